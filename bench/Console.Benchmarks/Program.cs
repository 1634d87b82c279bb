using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// dotnet run -c Release --project bench/Console.Benchmarks -- --filter '*'
// In-process and few iterations: the machine is shared, and each invocation already does 1,000 writes or 1,000,000 reads.
var job = Job.Default
    .WithStrategy(RunStrategy.Monitoring)
    .WithLaunchCount(1)
    .WithWarmupCount(1)
    .WithIterationCount(5)
    .WithToolchain(InProcessEmitToolchain.Instance);
BenchmarkSwitcher.FromAssembly(typeof(SecurityConsole.Benchmarks.AppendBenchmarks).Assembly)
    .Run(args, DefaultConfig.Instance.AddJob(job));
