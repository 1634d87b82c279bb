using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Tests.Keys;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Faults;

/// <summary>
/// Two nodes on one database lose their Redis (a Redis of the test's own, killed and started again empty).
/// Redis carries no data, so writes go on being acknowledged; what must not happen is a key revoked on one node
/// staying alive on the other (fail-open). Readiness tells that the node is cut off, and the nodes go back to
/// hearing each other when Redis returns, without a restart.
/// </summary>
public sealed class RedisFaultTests(PostgresServer postgres)
{
    [Fact]
    public async Task WhileRedisIsDownARevocationStillStopsTheKeyEverywhereWritesGoOnAndReadinessSaysSo()
    {
        await using var redis = await RedisServer.StartOwnAsync();
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var first = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        await using var second = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        var (owner, key) = await first.IssuedKeyAsync();
        var (laterOwner, later) = await first.IssuedKeyAsync();
        var verifier = await second.VerifierAsync();
        var sender = await second.SenderAsync();
        var analyst = await second.SignedInClientAsync(Roles.SecurityAnalyst);
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        Assert.True((await verifier.VerifyAsync(later.Secret)).Valid);
        await AssertReadyAsync(second, true);

        await redis.StopAsync();
        await Eventually.HoldsAsync("the node to report Redis as down", async () =>
        {
            var (status, body) = await ReadinessAsync(second);
            return (status == HttpStatusCode.ServiceUnavailable && body.Contains("\"redis\":{\"status\":\"Unhealthy\""), $"{(int)status} {body}");
        });
        var marker = $"redis-down-{Guid.NewGuid():N}"[..24];
        var acknowledged = (await sender.SendOkAsync(Ev(SecurityEventTypes.LoginSucceeded, NewAddress(), actor: marker, outcome: "success"))).Ids;

        // Revoked on the first node while the second cannot hear it: the second must stop the key all the same.
        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("Leaked while Redis was down"), Ct))
            .AssertStatusAsync(HttpStatusCode.OK);
        await Eventually.HoldsAsync("the node to refuse the key revoked on the other node", async () =>
        {
            var answer = await verifier.VerifyAsync(key.Secret);
            return (answer.Reason == KeyVerifyReasons.Revoked, answer.Reason ?? "valid");
        });

        await redis.StartAsync();
        await Eventually.HoldsAsync("the console to be ready again", async () =>
        {
            var (status, body) = await ReadinessAsync(second);
            return (status == HttpStatusCode.OK, $"{(int)status} {body}");
        });
        var cache = second.Services.GetRequiredService<KeyCache>();
        await Eventually.HoldsAsync("the node to trust its key cache again", () => (!cache.Untrusted, "untrusted"));

        // Hearing each other again: a key cached (and trusted for minutes) on the second node stops when revoked on the first.
        Assert.True((await verifier.VerifyAsync(later.Secret)).Valid);
        Assert.True((await verifier.VerifyAsync(later.Secret)).Valid);
        await (await laterOwner.PostAsJsonAsync($"/api/v1/keys/{later.Id}/revoke", new RevokeKeyRequest("Rotated out"), Ct))
            .AssertStatusAsync(HttpStatusCode.OK);
        await Eventually.HoldsAsync("the node to hear the revocation through Redis", async () =>
        {
            var answer = await verifier.VerifyAsync(later.Secret);
            return (answer.Reason == KeyVerifyReasons.Revoked, answer.Reason ?? "valid");
        });

        var stored = (await analyst.GetFromJsonAsync<EventPage>($"/api/v1/events?actor={marker}", Ct))!.Items.Select(e => e.Id).ToHashSet();
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
    }

    private static async Task<(HttpStatusCode Status, string Body)> ReadinessAsync(ConsoleFactory node)
    {
        using var probe = node.CreateClient();
        var response = await probe.GetAsync("/health/ready", Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task AssertReadyAsync(ConsoleFactory node, bool ready)
    {
        var (status, body) = await ReadinessAsync(node);
        Assert.True(status == (ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable), $"Readiness {(int)status}: {body}");
    }
}
