using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// Chained append (lock, encrypt personal data, hash, move the head) against plain EF inserts of
/// the same rows (same columns, same sizes, precomputed), in batches per SaveChanges, same database, same run.
/// </summary>
[Config(typeof(DatabaseConfig))]
public class AppendBenchmarks
{
    public const int Rows = 1000;

    private BenchConsole _console = null!;
    private List<AuditEntry> _template = null!;
    private long _plainSequence = 1_000_000_000_000;

    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _console = await BenchConsole.StartAsync($"bench_append_{BatchSize}");
        await AppendAsync(100, 100);
        await using var scope = _console.Services.CreateAsyncScope();
        _template = await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().AuditEntries.AsNoTracking()
            .OrderBy(e => e.Sequence).Take(100).ToListAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _console.DisposeAsync();

    [Benchmark(Baseline = true, Description = "plain batched insert")]
    public async Task PlainInsertAsync()
    {
        for (var done = 0; done < Rows; done += BatchSize)
        {
            await using var db = new PostgresConsoleDbContext(_console.PlainOptions);
            for (var i = 0; i < BatchSize; i++)
            {
                var t = _template[(done + i) % _template.Count];
                db.AuditEntries.Add(new AuditEntry
                {
                    Sequence = ++_plainSequence, Version = t.Version, Time = t.Time, Category = t.Category, Action = t.Action, ActorType = t.ActorType,
                    ActorId = t.ActorId, TargetType = t.TargetType, TargetId = t.TargetId, Outcome = t.Outcome, SourceIp = t.SourceIp,
                    CorrelationId = t.CorrelationId, Data = t.Data, Subject = t.Subject, SubjectKeyId = t.SubjectKeyId, Personal = t.Personal,
                    PrevHash = t.PrevHash, Hash = t.Hash,
                });
            }
            await db.SaveChangesAsync();
        }
    }

    [Benchmark(Description = "chained append")]
    public Task ChainedAppendAsync() => AppendAsync(Rows, BatchSize);

    private async Task AppendAsync(int rows, int batch)
    {
        for (var done = 0; done < rows; done += batch)
        {
            await using var scope = _console.Services.CreateAsyncScope();
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
            for (var i = 0; i < batch; i++)
            {
                var n = done + i;
                audit.Record(new AuditEvent(AuditCategories.Access, n % 8 == 0 ? "signin.failed" : "signin.succeeded", "user", $"user-{n % 50}",
                    n % 8 == 0 ? AuditOutcomes.Failure : AuditOutcomes.Success, new { email = $"person{n % 50}@example.test", method = "password" }));
            }
            await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().SaveChangesAsync();
        }
    }
}
