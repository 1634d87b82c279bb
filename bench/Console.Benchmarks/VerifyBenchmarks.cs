using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Benchmarks;

/// <summary>Verification of a 1,000,000-entry chain on PostgreSQL (seeded once with COPY, hashes computed as the console does).</summary>
public class VerifyBenchmarks
{
    public const int Entries = 1_000_000;

    private BenchConsole _console = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _console = await BenchConsole.StartAsync("bench_verify");
        await using var scope = _console.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var hasher = new AuditHash();
        var prev = new byte[AuditHash.Size];
        var keyId = Guid.NewGuid();
        var key = new byte[32];
        var personal = PersonalData.Encrypt(key, keyId, new string('a', 64), """{"email":"someone@example.test","sourceIp":"10.20.30.40"}""");
        var start = AuditHash.Truncate(DateTimeOffset.UtcNow.AddDays(-30));
        await using (var copy = await connection.BeginBinaryImportAsync(
            """COPY audit_entries ("Sequence", "Version", "Time", "Category", "Action", "ActorType", "ActorId", "TargetType", "TargetId", "Outcome", "SourceIp", "CorrelationId", "Data", "Subject", "SubjectKeyId", "Personal", "PrevHash", "Hash") FROM STDIN (FORMAT BINARY)"""))
        {
            for (long seq = 1; seq <= Entries; seq++)
            {
                var e = new AuditEntry
                {
                    Sequence = seq, Time = start.AddTicks(seq * 20_000), Category = "access", Action = seq % 8 == 0 ? "signin.failed" : "signin.succeeded",
                    ActorType = "user", ActorId = $"3f2c1a7e-0000-4000-8000-{seq % 5000:D12}", TargetType = "user", TargetId = $"3f2c1a7e-0000-4000-8000-{seq % 5000:D12}",
                    Outcome = seq % 8 == 0 ? "failure" : "success", CorrelationId = "4bf92f3577b34da6a3ce929d0e0e4736", Data = """{"method":"password","attempt":1}""",
                    Subject = new string('a', 64), SubjectKeyId = keyId, Personal = personal, PrevHash = prev,
                };
                e.Hash = new byte[AuditHash.Size];
                hasher.Compute(e, e.Hash);
                await copy.StartRowAsync();
                await copy.WriteAsync(e.Sequence, NpgsqlDbType.Bigint);
                await copy.WriteAsync(e.Version, NpgsqlDbType.Smallint);
                await copy.WriteAsync(e.Time.UtcDateTime, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(e.Category, NpgsqlDbType.Text);
                await copy.WriteAsync(e.Action, NpgsqlDbType.Text);
                await copy.WriteAsync(e.ActorType, NpgsqlDbType.Text);
                await copy.WriteAsync(e.ActorId, NpgsqlDbType.Text);
                await copy.WriteAsync(e.TargetType, NpgsqlDbType.Text);
                await copy.WriteAsync(e.TargetId, NpgsqlDbType.Text);
                await copy.WriteAsync(e.Outcome, NpgsqlDbType.Text);
                await copy.WriteNullAsync();
                await copy.WriteAsync(e.CorrelationId, NpgsqlDbType.Text);
                await copy.WriteAsync(e.Data, NpgsqlDbType.Text);
                await copy.WriteAsync(e.Subject, NpgsqlDbType.Text);
                await copy.WriteAsync(keyId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(e.Personal, NpgsqlDbType.Text);
                await copy.WriteAsync(e.PrevHash, NpgsqlDbType.Bytea);
                await copy.WriteAsync(e.Hash, NpgsqlDbType.Bytea);
                prev = e.Hash;
            }
            await copy.CompleteAsync();
        }
        await using var head = new NpgsqlCommand("""UPDATE audit_chain_head SET "LastSequence" = @s, "LastHash" = @h WHERE "Id" = 1; ANALYZE audit_entries;""", connection);
        head.Parameters.AddWithValue("s", (long)Entries);
        head.Parameters.AddWithValue("h", prev);
        await head.ExecuteNonQueryAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _console.DisposeAsync();

    [Benchmark(Description = "verify 1,000,000 entries")]
    public async Task VerifyAsync()
    {
        await using var scope = _console.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(null, null, CancellationToken.None);
        if (!result.Intact || result.Checked != Entries)
        {
            throw new InvalidOperationException($"Expected an intact chain of {Entries}: {result.Detail}");
        }
    }
}
