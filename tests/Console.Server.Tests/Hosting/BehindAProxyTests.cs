using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using SecurityConsole.Server.Hosting;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Behind a load balancer the console sees the client's address, from the proxies it was told about and from no one
/// else; and it listens where the standard hosting variables say, as a container sets them.
/// </summary>
public sealed class BehindAProxyTests
{
    private const string Proxy = "10.9.9.9";
    private const string Client = "203.0.113.50";

    [Fact]
    public async Task AForwardedAddressFromAConfiguredProxyIsTheClientsAndFromAnyoneElseIsIgnored()
    {
        await using var factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?> { ["Proxies:KnownProxies:0"] = Proxy });
        var victim = $"victim-{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(victim, Roles.Developer);

        // Through the proxy: the failed sign-in is recorded from the client's address.
        var throughProxy = factory.CreateBrowserClient(Proxy);
        throughProxy.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        await throughProxy.SignInAsync(victim, "wrong password through the proxy");
        // Straight from someone else, claiming to be a third address: the claim is ignored.
        var spoofer = factory.CreateBrowserClient("10.7.7.7");
        spoofer.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.99");
        await spoofer.SignInAsync(victim, "wrong password, spoofed");

        var analyst = await factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var events = await Eventually.ReadAsync("two failed sign-ins recorded",
            async () => (await analyst.GetFromJsonAsync<EventPage>($"/api/v1/events?actor={Uri.EscapeDataString(victim)}&type={SecurityEventTypes.LoginFailed}", Ct))!.Items,
            items => items.Count == 2, items => string.Join(", ", items.Select(e => e.SourceIp)));
        Assert.Equal([Client, "10.7.7.7"], events.Select(e => e.SourceIp!).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task WithNoProxyConfiguredAForwardedAddressIsNeverBelieved()
    {
        await using var factory = ConsoleFactory.Sqlite();
        var victim = $"victim-{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(victim, Roles.Developer);
        // Loopback is trusted by the framework's defaults; the console trusts no one it was not told about.
        var local = factory.CreateBrowserClient("127.0.0.1");
        local.DefaultRequestHeaders.Add("X-Forwarded-For", Client);
        await local.SignInAsync(victim, "wrong password");

        var analyst = await factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var failed = await Eventually.ReadAsync("the failed sign-in recorded",
            async () => (await analyst.GetFromJsonAsync<EventPage>($"/api/v1/events?actor={Uri.EscapeDataString(victim)}&type={SecurityEventTypes.LoginFailed}", Ct))!.Items,
            items => items.Count == 1, items => string.Join(", ", items.Select(e => e.SourceIp)));
        Assert.Equal("127.0.0.1", failed[0].SourceIp);
    }

    [Fact]
    public async Task ABadProxyAddressStopsTheStartNamingTheSetting()
    {
        var result = await ConsoleProcess.RunAsync(new() { Args = ["--Proxies:KnownNetworks:0=10.0.0.0/99"], InScratchDirectory = true });
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'Proxies:KnownNetworks:0'", result.Stderr);
        ConfigurationValidationTests.AssertNoStackTrace(result);
    }

    [Theory]
    [InlineData("ASPNETCORE_HTTP_PORTS")]
    [InlineData("ASPNETCORE_URLS")]
    public async Task TheStandardHostingVariablesAreHonoured(string variable)
    {
        // As the official .NET images set it (ASPNETCORE_HTTP_PORTS), or the address itself, and no Urls anywhere else:
        // the console answers there, not on its own default.
        var database = DatabaseTemplates.MigratedSqliteFile("console-ports");
        await using var console = await ConsoleProcess.StartAsync(new()
        {
            AddressVariable = variable,
            Args = ["--Database:Provider=Sqlite", $"--ConnectionStrings:Console=Data Source={database}"],
        });
        using var client = console.Client();
        var live = await client.GetAsync("/health/live", Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.DoesNotContain("localhost:5080", console.Output);
    }

    [Fact]
    public void OnlyWithNoHostingVariableDoesTheConsoleListenOnItsDefault()
    {
        static string? Listens(params (string Key, string Value)[] settings)
        {
            var builder = WebApplication.CreateEmptyBuilder(new());
            foreach (var (key, value) in settings)
            {
                builder.Configuration[key] = value;
            }
            builder.AddConsoleSettings();
            return builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        }

        Assert.Equal("http://localhost:5080", Listens());
        Assert.Equal("http://0.0.0.0:9000", Listens(("urls", "http://0.0.0.0:9000")));
        Assert.Null(Listens(("http_ports", "8080")));
    }
}
