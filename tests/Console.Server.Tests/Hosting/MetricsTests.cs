using System.Net;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Prometheus metrics at /metrics (issue 15): closed to the public by default, open to the addresses in
/// Metrics:AllowedNetworks (Prometheus) and to callers with jobs:manage. The two tests with nothing configured share one
/// console; the allowed network needs a console of its own.
/// </summary>
public sealed class MetricsTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    [Fact]
    public async Task WithNothingConfiguredAnAnonymousCallerIsRefused()
    {
        var factory = console.Factory;
        var response = await factory.CreateBrowserClient().GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Metrics:AllowedNetworks", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task AnAllowedNetworkScrapesWithoutSigningInAndAnotherAddressIsRefused()
    {
        await using var factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?> { ["Metrics:AllowedNetworks:0"] = "10.200.0.0/16" });
        var prometheus = factory.CreateBrowserClient("10.200.3.4");
        // Something to count: a request the HTTP server metrics record.
        await prometheus.GetAsync("/health/live", Ct);

        var metrics = await Eventually.ReadAsync("the request duration histogram on /metrics",
            async () => await prometheus.GetStringAsync("/metrics", Ct), text => text.Contains("http_server_request_duration_seconds_bucket"));
        Assert.Contains("# TYPE", metrics);
        var stranger = await factory.CreateBrowserClient("10.201.3.4").GetAsync("/metrics", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
    }

    [Fact]
    public async Task ACallerWithJobsManageReadsTheMetricsFromAnywhereAndOneWithoutIsRefused()
    {
        var factory = console.Factory;
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var (operatorKey, _) = await factory.KeyClientAsync(Permissions.JobsManage);
        var (serviceKey, _) = await factory.KeyClientAsync(Permissions.EventsWrite);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/metrics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await operatorKey.GetAsync("/metrics", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await serviceKey.GetAsync("/metrics", Ct)).StatusCode);
    }

    [Fact]
    public async Task AnAllowedNetworkThatIsNotOneStopsTheStartNamingTheSetting()
    {
        var result = await ConsoleProcess.RunAsync(new() { Args = ["--Metrics:AllowedNetworks:0=prometheus"], InScratchDirectory = true });

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'Metrics:AllowedNetworks:0'", result.Stderr);
    }
}
