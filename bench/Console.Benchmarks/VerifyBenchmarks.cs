using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;

namespace SecurityConsole.Benchmarks;

/// <summary>Verification of a 1,000,000-entry chain on PostgreSQL (<see cref="SeededTrail"/>).</summary>
[Config(typeof(DatabaseConfig))]
public class VerifyBenchmarks
{
    private SeededTrail _trail = null!;

    [GlobalSetup]
    public async Task SetupAsync() => _trail = await SeededTrail.StartAsync("bench_verify");

    [GlobalCleanup]
    public async Task CleanupAsync() => await _trail.DisposeAsync();

    [Benchmark(Description = "verify 1,000,000 entries")]
    public async Task VerifyAsync()
    {
        await using var scope = _trail.Console.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(null, null, CancellationToken.None);
        if (!result.Intact || result.Checked != SeededTrail.Entries)
        {
            throw new InvalidOperationException($"Expected an intact chain of {SeededTrail.Entries}: {result.Detail}");
        }
    }
}
