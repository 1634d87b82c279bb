using System.Net;
using System.Net.Http.Headers;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Two nodes behind nginx, started by deploy/local/cluster.sh as the compose file would run them (issue 15): the console
/// sees its clients through the load balancer, a key revoked through one node is refused through the other, and an
/// attack spread over both nodes raises one alert at its threshold, a key's rate limit is one bucket for both nodes, and
/// the metrics are closed to the public side.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ClusterTests(LocalCluster cluster, ITestOutputHelper output)
{
    private const string Client = "127.0.0.9";
    private const string Stranger = "127.0.0.8";

    [Fact]
    public async Task ThroughNginxTheAuditTrailHasTheClientsAddressAndAForwardedAddressFromAnyoneElseIsIgnored()
    {
        cluster.Require();
        var operatorKey = await cluster.OperatorKeyAsync();
        var first = await ServiceKeyAsync();
        var second = await ServiceKeyAsync();

        // Through nginx from the client, which claims another address of its own: nginx appends the client's real one,
        // and the node (nginx being its one known proxy) believes only that.
        using var throughNginx = Bearer(LocalCluster.ClientFrom(Client, cluster.Url), operatorKey);
        throughNginx.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.77");
        var viaNginx = await ReportLeakedAsync(throughNginx, first);
        // Straight to a node from an address that is not a proxy, claiming to be someone else: the claim is ignored.
        using var straight = Bearer(LocalCluster.ClientFrom(Stranger, cluster.Nodes[1]), operatorKey);
        straight.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.7");
        var direct = await ReportLeakedAsync(straight, second);

        using var reader = Bearer(LocalCluster.ClientFrom(Client, cluster.Url), operatorKey);
        var fromNginx = await LeakReportAsync(reader, viaNginx);
        var fromStranger = await LeakReportAsync(reader, direct);
        output.WriteLine($"Audit: through nginx from {fromNginx.SourceIp}, straight from {fromStranger.SourceIp}.");
        Assert.Equal(Client, fromNginx.SourceIp);
        Assert.Equal(Stranger, fromStranger.SourceIp);
    }

    [Fact]
    public async Task AKeyRevokedThroughOneNodeIsRefusedThroughTheOther()
    {
        cluster.Require();
        var operatorKey = await cluster.OperatorKeyAsync();
        var victim = await ServiceKeyAsync();
        using var onSecond = Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[1]), operatorKey);
        using var victimOnSecond = Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[1]), victim);
        // The second node has the key in memory, answering from there from now on.
        Assert.True((await VerifyAsync(onSecond, victim)).Valid);
        Assert.Equal(HttpStatusCode.OK, (await victimOnSecond.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(victim, null, null), Ct)).StatusCode);

        using var onFirst = Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[0]), operatorKey);
        await ReportLeakedAsync(onFirst, victim);

        var answer = await Eventually.ReadAsync("the second node to refuse the key revoked on the first",
            () => VerifyAsync(onSecond, victim), a => !a.Valid, a => $"valid={a.Valid}, reason={a.Reason}");
        Assert.Equal(KeyVerifyReasons.Revoked, answer.Reason);
        // The key itself is refused there too.
        Assert.Equal(HttpStatusCode.Unauthorized, (await victimOnSecond.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(victim, null, null), Ct)).StatusCode);
    }

    [Fact]
    public async Task TenFailedSignInsFromOneAddressSplitAcrossBothNodesRaiseOneAlert()
    {
        cluster.Require();
        await cluster.OperatorKeyAsync();
        var key = await cluster.RunAsync(["admin", "create-token", "--email", LocalCluster.AdminEmail, "--scopes",
            $"{Permissions.EventsWrite},{Permissions.AlertsRead}", "--service", $"spread-{Guid.NewGuid():N}"[..20]]);
        var ip = $"198.19.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";
        HttpClient[] nodes = [Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[0]), key), Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[1]), key)];
        using var first = nodes[0];
        using var second = nodes[1];
        using var reader = Bearer(LocalCluster.ClientFrom(Client, cluster.Url), key);

        // The built-in brute-force rule's threshold (ten from one address), five straight to each node: with windows per
        // node neither would reach it.
        for (var i = 0; i < 10; i++)
        {
            var sent = await nodes[i % 2].PostAsJsonAsync("/api/v1/events", new[] { new { type = "auth.login_failed", sourceIp = ip, outcome = "failure" } }, Ct);
            await sent.AssertStatusAsync(HttpStatusCode.OK);
        }
        // Then a revoked key tried through each node: once both of these are alerts, every node's events before them have
        // been through detection, so a second alert for the address would be there too.
        var sentinels = new[] { $"sc_spread{Random.Shared.Next(1000, 9999)}_1", $"sc_spread{Random.Shared.Next(1000, 9999)}_2" };
        for (var n = 0; n < 2; n++)
        {
            var sent = await nodes[n].PostAsJsonAsync("/api/v1/events",
                new[] { new { type = "key.verify_failed", keyPrefix = sentinels[n], sourceIp = ip, outcome = "denied", attributes = new { reason = "revoked" } } }, Ct);
            await sent.AssertStatusAsync(HttpStatusCode.OK);
        }
        foreach (var sentinel in sentinels)
        {
            await Eventually.ReadAsync($"the alert for the revoked key {sentinel}", () => AlertsAsync(reader, $"rule=revoked-key-use&entity={sentinel}"),
                a => a.Items.Count > 0, a => $"{a.Items.Count} alerts");
        }

        var alerts = (await Eventually.ReadAsync($"the brute-force alert for {ip}", () => AlertsAsync(reader, $"rule=brute-force&entity={ip}"),
            a => a.Items.Count > 0, a => $"{a.Items.Count} alerts")).Items;
        output.WriteLine($"Alerts for {ip}: {string.Join("; ", alerts.Select(a => $"{a.Title} (count {a.Count})"))}");
        var alert = Assert.Single(alerts);
        Assert.Equal(1, alert.Count);
    }

    [Fact]
    public async Task AKeysRateLimitHoldsAcrossBothNodesNotOncePerNode()
    {
        cluster.Require();
        var operatorKey = await cluster.OperatorKeyAsync();
        const int limit = 20;
        var service = $"limited-{Guid.NewGuid():N}"[..20];
        var limited = await cluster.RunAsync(["admin", "create-token", "--email", LocalCluster.AdminEmail, "--scopes", Permissions.EventsWrite, "--service", service]);
        // The command line issues keys without a limit; a key request sets this column (as bench/cluster/ratelimit.sh does).
        await using (var db = new Npgsql.NpgsqlConnection(cluster.Settings["ConnectionStrings__Console"]))
        {
            await db.OpenAsync(Ct);
            await using var update = new Npgsql.NpgsqlCommand($"UPDATE api_keys SET \"RateLimitPerMinute\" = {limit} WHERE \"Service\" = @service", db);
            update.Parameters.AddWithValue("service", service);
            Assert.Equal(1, await update.ExecuteNonQueryAsync(Ct));
        }
        HttpClient[] nodes = [Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[0]), operatorKey), Bearer(LocalCluster.ClientFrom(Client, cluster.Nodes[1]), operatorKey)];
        using var first = nodes[0];
        using var second = nodes[1];

        // Three times the limit, alternating between the nodes, as fast as they answer.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var accepted = new int[2];
        var refused = 0;
        for (var i = 0; i < 3 * limit; i++)
        {
            var answer = await VerifyAsync(nodes[i % 2], limited);
            if (answer.Valid)
            {
                accepted[i % 2]++;
            }
            else
            {
                Assert.Equal(KeyVerifyReasons.RateLimited, answer.Reason);
                refused++;
            }
        }
        var elapsed = watch.Elapsed;

        // One bucket for the cluster: its burst (a minute's allowance) plus what refilled while the calls ran. Buckets per
        // node would have let through twice the burst.
        var bound = limit + (int)Math.Ceiling(elapsed.TotalMinutes * limit) + 1;
        output.WriteLine($"{3 * limit} verifications of a key limited to {limit}/min in {elapsed.TotalSeconds:F1} s: accepted {accepted[0]} + {accepted[1]} (bound {bound}), refused {refused}.");
        Assert.True(accepted.Sum() <= bound, $"accepted {accepted.Sum()} across the nodes, more than one bucket allows ({bound})");
        Assert.True(accepted.Sum() >= limit, $"accepted {accepted.Sum()}, less than the key's burst of {limit}");
    }

    [Fact]
    public async Task TheMetricsAreNotServedThroughNginxNorToAStrangerAtANode()
    {
        cluster.Require();
        using var outside = LocalCluster.ClientFrom(Client, cluster.Url);
        using var stranger = LocalCluster.ClientFrom(Stranger, cluster.Nodes[0]);

        Assert.Equal(HttpStatusCode.NotFound, (await outside.GetAsync("/metrics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync("/metrics", Ct)).StatusCode);
    }

    private static async Task<AlertPage> AlertsAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/v1/alerts?limit=200&{query}", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AlertPage>(Ct))!;
    }

    private async Task<string> ServiceKeyAsync() =>
        await cluster.RunAsync(["admin", "create-token", "--email", LocalCluster.AdminEmail, "--scopes", Permissions.KeysVerify,
            "--service", $"svc-{Guid.NewGuid():N}"[..20]]);

    private static async Task<Guid> ReportLeakedAsync(HttpClient client, string key)
    {
        var response = await client.PostAsJsonAsync("/api/v1/keys/leaked", new { key, source = "cluster test" }, Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<KeyLeakResult>(Ct))!;
        Assert.Equal("revoked", result.Outcome);
        return result.KeyId!.Value;
    }

    private static async Task<AuditEntryView> LeakReportAsync(HttpClient client, Guid keyId) =>
        (await Eventually.ReadAsync($"the audit entry of the leak report of {keyId}",
            async () => (await client.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action=key.leak_reported&target={keyId}", SecurityConsole.Server.Tests.Audit.AuditTestKit.Json, Ct))!.Items,
            items => items.Count == 1)).Single();

    private static async Task<KeyVerifyResult> VerifyAsync(HttpClient client, string key)
    {
        var response = await client.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(key, null, null), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<KeyVerifyResult>(Ct))!;
    }

    private static HttpClient Bearer(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
