using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// Database benchmarks: in-process, monitoring, few iterations. The machine is shared, and each
/// invocation already does 1,000 writes, 1,000,000 reads or a batch of page reads.
/// </summary>
public sealed class DatabaseConfig : ManualConfig
{
    public DatabaseConfig() => AddJob(Job.Default
        .WithStrategy(RunStrategy.Monitoring)
        .WithLaunchCount(1)
        .WithWarmupCount(1)
        .WithIterationCount(5)
        // A full-scan search runs for minutes in all: past the in-process toolchain's default limit.
        .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
}

/// <summary>Microbenchmarks (nanoseconds to microseconds): BenchmarkDotNet's throughput strategy, in-process, bounded iterations.</summary>
public sealed class MicroConfig : ManualConfig
{
    public MicroConfig() => AddJob(Job.Default
        .WithLaunchCount(1)
        .WithWarmupCount(5)
        .WithIterationCount(15)
        .WithToolchain(InProcessEmitToolchain.Instance));
}
