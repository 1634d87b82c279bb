using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// A 1,000,000-entry audit trail on PostgreSQL, written with COPY, hashes computed by <see cref="AuditHash"/>
/// as the console does, shared by the verification and search benchmarks.
/// Shape: 30 days of history (one entry every 2.592 s, the newest about now); 5,000 users, each with
/// a real subject key and pseudonym, so that reads decrypt personal data as they do in the console;
/// entries are sign-ins (one in eight failed) except one in 250, which is a key being issued or revoked.
/// </summary>
internal sealed class SeededTrail : IAsyncDisposable
{
    public const int Entries = 1_000_000;
    public const int Users = 5_000;
    public static readonly TimeSpan Spacing = TimeSpan.FromDays(30) / Entries;

    private SeededTrail(BenchConsole console, DateTimeOffset start)
    {
        Console = console;
        Start = start;
    }

    public BenchConsole Console { get; }

    /// <summary>The time of entry 0 (entry n is at <c>Start + n × Spacing</c>).</summary>
    public DateTimeOffset Start { get; }

    public static string UserId(long n) => $"3f2c1a7e-0000-4000-8000-{n % Users:D12}";

    public static string KeyId(long sequence) => $"9d41b3c2-0000-4000-9000-{sequence:D12}";

    public DateTimeOffset TimeOf(long sequence) => Start + sequence * Spacing;

    public static async Task<SeededTrail> StartAsync(string database, params IInterceptor[] interceptors)
    {
        var console = await BenchConsole.StartAsync(database, interceptors);
        var start = AuditHash.Truncate(DateTimeOffset.UtcNow - TimeSpan.FromDays(30));
        await using var scope = console.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var subjects = await SubjectsAsync(console.Services, connection);
        await CopyEntriesAsync(connection, start, subjects);
        await using var analyze = new NpgsqlCommand("ANALYZE", connection);
        await analyze.ExecuteNonQueryAsync();
        return new SeededTrail(console, start);
    }

    public ValueTask DisposeAsync() => Console.DisposeAsync();

    private sealed record Subject(Guid KeyId, string Pseudonym, string Personal);

    /// <summary>One subject key per user, protected and stored as the console stores it; personal data encrypted once per user.</summary>
    private static async Task<Subject[]> SubjectsAsync(IServiceProvider services, NpgsqlConnection connection)
    {
        var pseudonymKey = await services.GetRequiredService<AuditKeys>().PseudonymKeyAsync(CancellationToken.None);
        var personal = services.GetRequiredService<PersonalData>();
        var subjects = new Subject[Users];
        await using var copy = await connection.BeginBinaryImportAsync(
            """COPY audit_subject_keys ("Id", "Pseudonym", "ProtectedKey", "CreatedAt") FROM STDIN (FORMAT BINARY)""");
        for (var u = 0; u < Users; u++)
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var pseudonym = AuditKeys.Pseudonym(pseudonymKey, AuditTrail.UserSubject(UserId(u)));
            var keyId = Guid.NewGuid();
            var s = subjects[u] = new Subject(keyId, pseudonym,
                PersonalData.Encrypt(key, keyId, pseudonym, $$"""{"email":"person{{u}}@example.test","sourceIp":"10.20.{{u / 256}}.{{u % 256}}"}"""));
            await copy.StartRowAsync();
            await copy.WriteAsync(s.KeyId, NpgsqlDbType.Uuid);
            await copy.WriteAsync(pseudonym, NpgsqlDbType.Varchar);
            await copy.WriteAsync(personal.ProtectKey(key), NpgsqlDbType.Text);
            await copy.WriteAsync(DateTime.UtcNow, NpgsqlDbType.TimestampTz);
        }
        await copy.CompleteAsync();
        return subjects;
    }

    private static async Task CopyEntriesAsync(NpgsqlConnection connection, DateTimeOffset start, Subject[] subjects)
    {
        var hasher = new AuditHash();
        var prev = new byte[AuditHash.Size];
        await using (var copy = await connection.BeginBinaryImportAsync(
            """COPY audit_entries ("Sequence", "Version", "Time", "Category", "Action", "ActorType", "ActorId", "TargetType", "TargetId", "Outcome", "SourceIp", "CorrelationId", "Data", "Subject", "SubjectKeyId", "Personal", "PrevHash", "Hash") FROM STDIN (FORMAT BINARY)"""))
        {
            for (long seq = 1; seq <= Entries; seq++)
            {
                var e = Entry(seq, start, subjects[seq % Users]);
                e.PrevHash = prev;
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
                await copy.WriteAsync(e.SubjectKeyId!.Value, NpgsqlDbType.Uuid);
                await copy.WriteAsync(e.Personal, NpgsqlDbType.Text);
                await copy.WriteAsync(e.PrevHash, NpgsqlDbType.Bytea);
                await copy.WriteAsync(e.Hash, NpgsqlDbType.Bytea);
                prev = e.Hash;
            }
            await copy.CompleteAsync();
        }
        await using var head = new NpgsqlCommand("""UPDATE audit_chain_head SET "LastSequence" = @s, "LastHash" = @h, "LastTime" = @t WHERE "Id" = 1""", connection);
        head.Parameters.AddWithValue("s", (long)Entries);
        head.Parameters.AddWithValue("h", prev);
        head.Parameters.AddWithValue("t", AuditHash.Truncate(start + Entries * Spacing));
        await head.ExecuteNonQueryAsync();
    }

    private static AuditEntry Entry(long seq, DateTimeOffset start, Subject subject)
    {
        var user = UserId(seq);
        var correlation = Convert.ToHexStringLower(BitConverter.GetBytes(unchecked((ulong)seq * 0x9E3779B97F4A7C15UL))) + "a3ce929d0e0e4736";
        var time = AuditHash.Truncate(start + seq * Spacing);
        if (seq % 250 == 0)
        {
            var issued = seq % 500 == 0;
            return new AuditEntry
            {
                Sequence = seq, Time = time, Category = "key", Action = issued ? "key.issued" : "key.revoked", ActorType = "user", ActorId = user,
                TargetType = "api_key", TargetId = KeyId(seq), Outcome = "success", CorrelationId = correlation,
                Data = issued
                    ? $$"""{"name":"payments-{{seq % 97}}","environment":"production","scopes":["keys:verify","events:write"],"owner":"{{user}}"}"""
                    : """{"reason":"rotated out","status":"revoked"}""",
                Subject = subject.Pseudonym, SubjectKeyId = subject.KeyId, Personal = subject.Personal,
            };
        }
        var failed = seq % 8 == 0;
        return new AuditEntry
        {
            Sequence = seq, Time = time, Category = "access", Action = failed ? "signin.failed" : "signin.succeeded", ActorType = "user", ActorId = user,
            TargetType = "user", TargetId = user, Outcome = failed ? "failure" : "success", CorrelationId = correlation,
            Data = failed ? """{"method":"password","reason":"wrong password"}""" : """{"method":"password","attempt":1}""",
            Subject = subject.Pseudonym, SubjectKeyId = subject.KeyId, Personal = subject.Personal,
        };
    }
}
