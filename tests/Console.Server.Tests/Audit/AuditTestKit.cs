using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Tests.Audit;

/// <summary>What audit tests need beyond the HTTP API: seeding entries as a feature would, and tampering with raw SQL.</summary>
internal static class AuditTestKit
{

    /// <summary>No Hangfire server: a recurring checkpoint firing mid-test would move what the test expects.</summary>
    public static readonly Dictionary<string, string?> NoJobServer = new() { ["Jobs:RunServer"] = "false" };

    /// <summary>Records entries as a feature does (one save), optionally at given times; returns their sequences.</summary>
    public static async Task<long[]> RecordAsync(this ConsoleFactory factory, Actor actor, params (AuditEvent Event, DateTimeOffset? At)[] events)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(actor);
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var entries = events.Select(e => audit.Record(e.Event, e.At)).ToList();
        await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().SaveChangesAsync(Ct);
        return [.. entries.Select(e => e.Sequence)];
    }

    public static Task<long[]> RecordAsync(this ConsoleFactory factory, int count, string category = AuditCategories.Admin) =>
        factory.RecordAsync(Actor.System("test"),
            [.. Enumerable.Range(0, count).Select(i => (new AuditEvent(category, "test.event", "thing", $"t{i}", Data: new { i }), (DateTimeOffset?)null))]);

    /// <summary>
    /// Runs <paramref name="sql"/> in one transaction that first takes the chain head's lock, as every append does: an
    /// entry the console appends meanwhile (its own background work) waits for the change instead of meeting it halfway
    /// (a splice's shifted sequence numbers and an append in flight clashed on the primary key).
    /// </summary>
    public static async Task<int> SqlAsync(this ConsoleFactory factory, string sql)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(Ct);
        await db.Database.ExecuteSqlRawAsync("""UPDATE "audit_chain_head" SET "LastSequence" = "LastSequence" WHERE "Id" = 1""", Ct);
        var changed = await db.Database.ExecuteSqlRawAsync(sql, Ct);
        await transaction.CommitAsync(Ct);
        return changed;
    }

    public static async Task<T> WithDbAsync<T>(this ConsoleFactory factory, Func<ConsoleDbContext, Task<T>> work)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<ConsoleDbContext>());
    }

    /// <summary>Along the sequence, time never decreases: the whole trail, read in sequence order.</summary>
    public static async Task AssertTimeNeverGoesBackAsync(this ConsoleFactory factory)
    {
        var trail = await factory.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.Time }).ToListAsync(Ct));
        Assert.NotEmpty(trail);
        for (var i = 1; i < trail.Count; i++)
        {
            Assert.True(trail[i].Time >= trail[i - 1].Time,
                $"entry {trail[i].Sequence} at {trail[i].Time:O} is earlier than entry {trail[i - 1].Sequence} at {trail[i - 1].Time:O}");
        }
    }

    public static async Task<VerifyResult> VerifyAsync(this HttpClient client, long? from = null, long? to = null)
    {
        var response = await client.PostAsJsonAsync($"{ApiConventions.Prefix}/audit/verify", new VerifyRequest(from, to), Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<VerifyResult>(Json, Ct))!;
    }

    public static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Swaps the sequence numbers of two entries (a reordering), through a free temporary value.</summary>
    public static string SwapSql(long a, long b) =>
        $"""
        UPDATE audit_entries SET "Sequence" = -1 WHERE "Sequence" = {a};
        UPDATE audit_entries SET "Sequence" = {a} WHERE "Sequence" = {b};
        UPDATE audit_entries SET "Sequence" = {b} WHERE "Sequence" = -1;
        """;

    /// <summary>Moves entries from `at` on up by one (via negative values, so no unique key clashes), then copies entry `at + 1` into `at`.</summary>
    public static string SpliceSql(long at) =>
        $"""
        UPDATE audit_entries SET "Sequence" = -"Sequence" - 1 WHERE "Sequence" >= {at};
        UPDATE audit_entries SET "Sequence" = -"Sequence" WHERE "Sequence" < 0;
        {CopySql(at + 1, at.ToString(System.Globalization.CultureInfo.InvariantCulture), "forged.entry")}
        """;

    /// <summary>
    /// Inserts a copy of entry `from` as `to` (a number, or SQL giving one), with another action: an entry the console never
    /// appended.
    /// </summary>
    public static string CopySql(long from, string to, string action) =>
        $"""
        INSERT INTO audit_entries ("Sequence", "Version", "Time", "Category", "Action", "ActorType", "ActorId", "TargetType", "TargetId", "Outcome",
            "SourceIp", "CorrelationId", "Data", "Subject", "SubjectKeyId", "Personal", "PrevHash", "Hash")
        SELECT {to}, "Version", "Time", "Category", '{action}', "ActorType", "ActorId", "TargetType", "TargetId", "Outcome",
            "SourceIp", "CorrelationId", "Data", "Subject", "SubjectKeyId", "Personal", "PrevHash", "Hash"
        FROM audit_entries WHERE "Sequence" = {from};
        """;
}
