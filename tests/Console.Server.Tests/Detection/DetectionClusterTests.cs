using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// Two nodes behind a balancer on one PostgreSQL database (ADR 0043): a brute force split between them fires at its
/// threshold, once; when the detecting node stops, the other takes over.
/// </summary>
public sealed class DetectionClusterTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task ABruteForceSplitAcrossTwoNodesFiresOnceAtItsThresholdAndTheOtherNodeTakesOverWhenTheDetectingOneStops()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        var first = new ConsoleFactory(DatabaseProvider.Postgres, database, extra: Fast());
        await using var second = new ConsoleFactory(DatabaseProvider.Postgres, database, extra: Fast());
        try
        {
            HttpClient[] senders = [await first.SenderAsync(), await second.SenderAsync()];
            var analyst = await second.SignedInClientAsync(Roles.SecurityAnalyst);
            await Eventually.HoldsAsync("one of the nodes to detect for both", () =>
            {
                var leading = new[] { first, second }.Count(n => n.Services.GetRequiredService<DetectionLeadership>().Leading);
                return (leading == 1, $"{leading} nodes detecting");
            });

            // Ten failed sign-ins from one address (the built-in rule's threshold), five through each node.
            var ip = NewAddress();
            for (var i = 0; i < 10; i++)
            {
                await senders[i % 2].SendOkAsync(Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure"));
            }
            var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
            // Five on each node: with windows per node neither would have reached the threshold.
            output.WriteLine($"Alert: {alert.Title}");
            await first.QuietAsync();
            await second.QuietAsync();
            var alerts = (await analyst.AlertsAsync($"&rule=brute-force&entity={ip}")).Items;
            Assert.Single(alerts);
            Assert.Equal(1, alerts[0].Count);

            // The detecting node stops (a rolling restart): the other takes the lock and detects what both nodes stored.
            var leader = first.Services.GetRequiredService<DetectionLeadership>().Leading ? first : second;
            var survivor = leader == first ? second : first;
            var survivorSender = senders[leader == first ? 1 : 0];
            var survivorAnalyst = leader == first ? analyst : await first.SignedInClientAsync(Roles.SecurityAnalyst);
            await leader.DisposeAsync();
            var next = NewAddress();
            await survivorSender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.LoginFailed, next, outcome: "failure"))]);
            await survivorAnalyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == next);
            Assert.True(survivor.Services.GetRequiredService<DetectionLeadership>().Leading);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }
}
