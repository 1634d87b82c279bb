using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Hosting;
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
}

public sealed class SqliteDetectionNodeTests : DetectionNodeTests
{
    protected override Task<(DatabaseProvider, string)> NewDatabaseAsync() =>
        Task.FromResult((DatabaseProvider.Sqlite, $"Data Source={Path.Combine(TestEnvironment.TempDirectory("console-nodes"), "console.db")}"));
}

public sealed class PostgresDetectionNodeTests(PostgresServer postgres, RedisServer redis) : DetectionNodeTests
{
    protected override async Task<(DatabaseProvider, string)> NewDatabaseAsync() => (DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync());

    [Fact]
    public async Task AnAlertRaisedOnOneNodeReachesAnAnalystConnectedToAnotherNodeThroughRedis()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var raising = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        await using var watching = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        var analyst = await watching.SignedInClientAsync(Roles.SecurityAnalyst);
        await using var hub = AlertsHubTests.Connect(watching, analyst.CookieHeader);
        var received = new List<AlertView>();
        hub.On<AlertView>(HubMethods.AlertChanged, a => { lock (received) { received.Add(a); } });
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(hub, HubMethods.Welcome);
        await hub.StartAsync(Ct);
        await welcome.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        var sender = await raising.SenderAsync();
        var addresses = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The backplane subscribes asynchronously: attack again from a new address until an alert gets through.
        while (true)
        {
            var ip = NewAddress();
            addresses.Add(ip);
            await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure"))]);
            for (var wait = 0; wait < 10; wait++)
            {
                await Task.Delay(200, Ct);
                lock (received)
                {
                    if (received.FirstOrDefault(a => a.RuleId == "brute-force" && addresses.Contains(a.EntityId)) is { } alert)
                    {
                        Assert.Equal(AlertStatuses.Open, alert.Status);
                        return;
                    }
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "No alert raised on one node reached the analyst connected to the other");
        }
    }
}
