using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Events;
using SecurityConsole.Server.Tests.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>Two consoles on one database: what one stores, the other detects; what one raises, the other's analysts see.</summary>
public abstract class DetectionNodeTests
{
    protected abstract Task<(DatabaseProvider Provider, string ConnectionString)> NewDatabaseAsync();

    [Fact]
    public async Task EventsANodeStoredButNeverDetectedAreDetectedByAnotherNodeOnTheSameDatabase()
    {
        var (provider, connection) = await NewDatabaseAsync();
        // The first node stores events but runs no detection, like a node that died right after its commit.
        await using var storing = new ConsoleFactory(provider, connection, extra: Fast(new() { ["Detection:PipelineEnabled"] = "false" }));
        var sender = await storing.SenderAsync();
        var ip = NewAddress();
        await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure"))]);
        var analyst = await storing.SignedInClientAsync(Roles.SecurityAnalyst);
        await Task.Delay(1000, Ct);
        Assert.Empty((await analyst.AlertsAsync($"&entity={ip}")).Items);

        await using var detecting = new ConsoleFactory(provider, connection, extra: Fast());
        _ = detecting.Server;
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
        Assert.Equal(1, alert.Count);
        await Task.Delay(1500, Ct);
        Assert.Single((await analyst.AlertsAsync($"&entity={ip}")).Items);
    }

    [Fact]
    public async Task WhenAnotherNodeTookOneOfSeveralCommitsDetectedTogetherTheOthersStillRaiseTheirAlertsAndItsAreLeftToThatNode()
    {
        var (provider, connection) = await NewDatabaseAsync();
        // Detection is driven by hand here: three commits handed over at once, as the pipeline takes them when it runs behind.
        await using var node = new ConsoleFactory(provider, connection, extra: Fast(new() { ["Detection:PipelineEnabled"] = "false" }));
        var store = node.Services.GetRequiredService<SecurityEventStore>();
        var people = Enumerable.Range(0, 3).Select(i => $"locked-{i}-{Guid.NewGuid():N}@example.test").ToArray();
        var batches = new List<CommittedBatch>();
        foreach (var person in people)
        {
            var now = DateTimeOffset.UtcNow;
            List<SecurityEvent> events = [new() { Type = SecurityEventTypes.Lockout, Source = "console", Actor = person, Outcome = "failure", Time = now, ReceivedAt = now }];
            var backlog = await store.AppendAsync(events, "this-node", Ct);
            batches.Add(new CommittedBatch(backlog.Id, events));
        }
        // Meanwhile another node's sweep took the second commit: its backlog entry is gone, its alert is that node's to store.
        await using (var scope = node.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().DetectionBacklog.Where(b => b.Id == batches[1].BacklogId).ExecuteDeleteAsync(Ct);
        }

        await node.Services.GetRequiredService<DetectionPipeline>().DetectAsync(batches, Ct);

        var analyst = await node.SignedInClientAsync(Roles.SecurityAnalyst);
        Assert.Single((await analyst.AlertsAsync($"&rule=account-lockout&entity={Uri.EscapeDataString(people[0])}")).Items);
        Assert.Empty((await analyst.AlertsAsync($"&rule=account-lockout&entity={Uri.EscapeDataString(people[1])}")).Items);
        Assert.Single((await analyst.AlertsAsync($"&rule=account-lockout&entity={Uri.EscapeDataString(people[2])}")).Items);
        await using (var scope = node.Services.CreateAsyncScope())
        {
            // The sign-in's own events wait in the backlog (detection is off here); these three commits do not.
            var ids = batches.Select(b => b.BacklogId).ToList();
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().DetectionBacklog.CountAsync(b => ids.Contains(b.Id), Ct));
        }
    }

    [Fact]
    public async Task ACommitTheSweepTookBeforeItsHandOverIsDetectedOnceAndTheTenthFailureRaisesTheAlert()
    {
        var (provider, connection) = await NewDatabaseAsync();
        await using var node = new ConsoleFactory(provider, connection, extra: Fast());
        var analyst = await node.SignedInClientAsync(Roles.SecurityAnalyst);
        var sender = await node.SenderAsync();
        var pipeline = node.Services.GetRequiredService<DetectionPipeline>();
        var ip = NewAddress();

        // Nine failed sign-ins from one address, committed by this node's writer, which has not handed them over yet: the
        // sweep finds the commit in the backlog first and detects it (nine of the brute-force rule's ten).
        var now = DateTimeOffset.UtcNow;
        List<SecurityEvent> nine = [.. Enumerable.Range(0, 9).Select(i => new SecurityEvent
        {
            Type = SecurityEventTypes.LoginFailed, Source = "sign-in-app", SourceIp = ip, Outcome = EventOutcomes.Failure,
            Time = now.AddSeconds(i - 30), ReceivedAt = now.AddSeconds(i - 30),
        })];
        var backlog = await node.Services.GetRequiredService<SecurityEventStore>().AppendAsync(nine, node.Services.GetRequiredService<DetectionOptions>().Node, Ct);
        await Eventually.HoldsAsync("the sweep to detect the commit (its backlog entry gone)", async () =>
        {
            await using var scope = node.Services.CreateAsyncScope();
            var left = await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().DetectionBacklog.CountAsync(b => b.Id == backlog.Id, Ct);
            return (left == 0, $"{left} backlog entries");
        });
        // Then the writer hands the same commit over, and the tenth failure follows it through the channel.
        Assert.True(pipeline.Enqueue(new CommittedBatch(backlog.Id, nine)), "the pipeline refused the hand-over");
        await sender.SendOkAsync(Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure"));

        // Ten failures, each counted once: one alert at the tenth (counted twice, the nine reached the threshold in an
        // evaluation whose alert could not be stored, and the tenth started the count again).
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
        Assert.Equal(1, alert.Count);
        Assert.Contains("10 failed sign-ins", alert.Title);
    }

    [Fact]
    public async Task ARuleDeletedAndAnotherCreatedOnOneNodeBetweenTwoChecksOfTheOtherStopsTheFirstAndLoadsTheSecondThere()
    {
        var (provider, connection) = await NewDatabaseAsync();
        // Detection is driven by hand on the second node, so that the two changes fall between two of its checks for sure.
        await using var changing = new ConsoleFactory(provider, connection, extra: Fast(new() { ["Detection:PipelineEnabled"] = "false" }));
        await using var detecting = new ConsoleFactory(provider, connection,
            extra: Fast(new() { ["Detection:PipelineEnabled"] = "false", ["Detection:RulesRefreshSeconds"] = "0.1" }));
        var admin = await changing.SignedInClientAsync(Roles.Admin);
        var (first, firstType) = await CreateRuleAsync(admin, "stale");
        var firstVictim = $"first-{Guid.NewGuid():N}@example.test";
        await DetectOnAsync(detecting, firstType, firstVictim);
        Assert.Single((await admin.AlertsAsync($"&rule={first}&entity={Uri.EscapeDataString(firstVictim)}")).Items);

        // Both rules are at version 1: the rule count and the sum of versions are what they were before.
        await (await admin.DeleteAsync($"/api/v1/rules/{first}", Ct)).AssertStatusAsync(HttpStatusCode.NoContent);
        var (second, secondType) = await CreateRuleAsync(admin, "fresh");
        // The detecting node looks for changes at most every 0.1 s: let that pass, so that its next batch checks.
        await Task.Delay(200, Ct);
        var again = $"again-{Guid.NewGuid():N}@example.test";
        var secondVictim = $"second-{Guid.NewGuid():N}@example.test";
        await DetectOnAsync(detecting, firstType, again);
        await DetectOnAsync(detecting, secondType, secondVictim);

        Assert.Empty((await admin.AlertsAsync($"&rule={first}&entity={Uri.EscapeDataString(again)}")).Items);
        Assert.Single((await admin.AlertsAsync($"&rule={second}&entity={Uri.EscapeDataString(secondVictim)}")).Items);
    }

    /// <summary>A rule that alerts on the first event of a type of its own, made through the API; its id and that type.</summary>
    private static async Task<(string Id, string EventType)> CreateRuleAsync(HttpClient admin, string name)
    {
        var id = $"{name}-{Guid.NewGuid():N}"[..16];
        var type = $"test.{name}_{Guid.NewGuid():N}"[..24];
        var created = await admin.PostAsJsonAsync("/api/v1/rules", new DetectionRuleCreate(id, name, RuleTypes.Threshold, AlertSeverities.Low, 60, 600,
            Parameters: JsonSerializer.SerializeToElement(new { eventType = type, by = "user", threshold = 1 })), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        return (id, type);
    }

    /// <summary>Stores one event on <paramref name="node"/> and runs its detection step on it, as its pipeline does.</summary>
    private static async Task DetectOnAsync(ConsoleFactory node, string type, string actor)
    {
        var now = DateTimeOffset.UtcNow;
        List<SecurityEvent> events = [new() { Type = type, Source = "console", Actor = actor, Outcome = "success", Time = now, ReceivedAt = now }];
        var backlog = await node.Services.GetRequiredService<SecurityEventStore>().AppendAsync(events, "detecting-node", Ct);
        await node.Services.GetRequiredService<DetectionPipeline>().DetectAsync([new CommittedBatch(backlog.Id, events)], Ct);
    }
}

public sealed class SqliteDetectionNodeTests : DetectionNodeTests
{
    protected override Task<(DatabaseProvider, string)> NewDatabaseAsync() =>
        Task.FromResult((DatabaseProvider.Sqlite, $"Data Source={DatabaseTemplates.MigratedSqliteFile("console-nodes")}"));
}

public sealed class PostgresDetectionNodeTests(PostgresServer postgres, RedisServer redis) : DetectionNodeTests
{
    protected override async Task<(DatabaseProvider, string)> NewDatabaseAsync() => (DatabaseProvider.Postgres, await postgres.CreateMigratedDatabaseAsync());

    [Fact]
    public async Task AnAlertRaisedOnOneNodeReachesAnAnalystConnectedToAnotherNodeThroughRedis()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var raising = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        await using var watching = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        var analyst = await watching.SignedInClientAsync(Roles.SecurityAnalyst);
        await using var hub = AlertsHubTests.Connect(watching, analyst.CookieHeader);
        var received = new List<AlertView>();
        hub.On<AlertView>(HubMethods.AlertChanged, a => { lock (received) { received.Add(a); } });
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(hub, HubMethods.Welcome);
        await hub.StartAsync(Ct);
        await Eventually.ArrivesAsync("the hub's welcome", welcome);

        var sender = await raising.SenderAsync();
        var addresses = new List<string>();
        var lastAttack = DateTime.MinValue;
        AlertView? alert = null;
        await Eventually.HoldsAsync("an alert raised on one node to reach the analyst connected to the other", async () =>
        {
            int count;
            lock (received)
            {
                alert = received.FirstOrDefault(a => a.RuleId == "brute-force" && addresses.Contains(a.EntityId));
                count = received.Count;
            }
            if (alert is null && DateTime.UtcNow - lastAttack > TimeSpan.FromSeconds(2))
            {
                // The backplane subscribes asynchronously: attack again, from a new address, until an alert gets through.
                var ip = NewAddress();
                addresses.Add(ip);
                await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure"))]);
                lastAttack = DateTime.UtcNow;
            }
            return (alert is not null, $"{addresses.Count} attacks sent, {count} alerts received");
        });
        Assert.Equal(AlertStatuses.Open, alert!.Status);
    }
}
