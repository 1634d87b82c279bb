using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>Raw events are kept as long as the audit trail's security category, and a legal hold keeps them all.</summary>
public abstract class EventRetentionTests
{
    protected abstract Task<ConsoleFactory> NewConsoleAsync(Dictionary<string, string?>? settings = null);

    [Fact]
    public async Task EventsOlderThanTheSecurityRetentionAreDeletedUnlessALegalHoldIsInPlace()
    {
        // Its own console: a legal hold applies to everything on it.
        await using var factory = await NewConsoleAsync();
        var source = $"retention-{Guid.NewGuid():N}"[..24];
        var now = DateTimeOffset.UtcNow;
        await AppendAsync(factory, source, now.AddDays(-500), now.AddDays(-401), now.AddDays(-399), now.AddDays(-1));

        var admin = await factory.SignedInClientAsync(Roles.Admin);
        await (await admin.PostAsJsonAsync("/api/v1/audit/legal-hold", new LegalHoldRequest("Litigation: Example v. Example"), Ct)).AssertStatusAsync(HttpStatusCode.Created);
        var held = await RunAsync(factory);
        Assert.Equal(("legal-hold", 0L), (held.Outcome, held.Deleted));
        Assert.Equal(4, await CountAsync(factory, source));

        var lift = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/audit/legal-hold") { Content = JsonContent.Create(new LegalHoldRequest("Case closed")) };
        await (await admin.SendAsync(lift, Ct)).AssertStatusAsync(HttpStatusCode.NoContent);
        var run = await RunAsync(factory);
        Assert.Equal(("deleted", 400), (run.Outcome, run.Days));
        Assert.True(run.Deleted >= 2);
        Assert.Equal(2, await CountAsync(factory, source));

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "detection.events_purged", Ct));
        Assert.Equal("nothing-due", (await RunAsync(factory)).Outcome);
    }

    private static async Task AppendAsync(ConsoleFactory factory, string source, params DateTimeOffset[] times)
    {
        // Straight into the store: the API refuses events older than a week.
        var store = factory.Services.GetRequiredService<SecurityEventStore>();
        await store.AppendAsync([.. times.Select(t => new SecurityEvent { Type = "retention.test", Time = t, ReceivedAt = t, Source = source, Outcome = EventOutcomes.Unknown })],
            null, Ct);
    }

    private static async Task<EventRetentionRun> RunAsync(ConsoleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DetectionRetentionJob>().RunAsync(Ct);
    }

    private static async Task<int> CountAsync(ConsoleFactory factory, string source)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().SecurityEvents.CountAsync(e => e.Source == source, Ct);
    }
}

public sealed class SqliteEventRetentionTests : EventRetentionTests
{
    protected override Task<ConsoleFactory> NewConsoleAsync(Dictionary<string, string?>? settings = null) => Task.FromResult(ConsoleFactory.Sqlite(extra: settings));
}

public sealed class PostgresEventRetentionTests(PostgresServer postgres) : EventRetentionTests
{
    protected override Task<ConsoleFactory> NewConsoleAsync(Dictionary<string, string?>? settings = null) => ConsoleFactory.PostgresAsync(postgres, extra: settings);
}
