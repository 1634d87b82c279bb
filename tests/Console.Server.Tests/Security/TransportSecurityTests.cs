using System.Net;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>Over HTTPS, browsers are told to stay on HTTPS for a year, and no cookie of the console travels in clear.</summary>
public sealed class TransportSecurityTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private static readonly Uri Https = new("https://console.example.test/");

    [Fact]
    public async Task OverHttpsTheAntiforgeryCookieIsSecure()
    {
        var client = console.Factory.CreateBrowserClient();
        client.BaseAddress = Https;
        var response = await client.GetAsync("/Account/Login", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var antiforgery = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("console.af=", StringComparison.Ordinal));
        Assert.Contains("; secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task OverPlainHttpOnLocalhostTheSignInFormStillWorks()
    {
        // The README's first run is http://localhost:5080: a Secure-only cookie there would break the form.
        var client = await console.Factory.SignedInClientAsync(SecurityConsole.Shared.Security.Roles.Developer);
        await (await client.GetAsync("/api/v1/me", Ct)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task OverHttpsStrictTransportSecurityLastsAYearWithoutSubdomainsByDefault()
    {
        var client = console.Factory.CreateBrowserClient();
        client.BaseAddress = Https;
        var response = await client.GetAsync("/Account/Login", Ct);
        Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task StrictTransportSecurityCoversSubdomainsWhenConfigured()
    {
        await using var factory = await console.CreateFreshAsync(extra: new Dictionary<string, string?> { ["Hsts:IncludeSubDomains"] = "true" });
        var client = factory.CreateBrowserClient();
        client.BaseAddress = Https;
        var response = await client.GetAsync("/Account/Login", Ct);
        Assert.Equal("max-age=31536000; includeSubDomains", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
    }

    [Fact]
    public async Task AnIncludeSubDomainsValueThatIsNotTrueOrFalseStopsTheStartNamingTheSetting()
    {
        var result = await ConsoleProcess.RunAsync(new()
        {
            InScratchDirectory = true,
            Args = [$"--ConnectionStrings:Console=Data Source={Path.Combine(TestEnvironment.TempDirectory("console-hsts"), "console.db")}", "--Hsts:IncludeSubDomains=yes"],
        });
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Setting 'Hsts:IncludeSubDomains' must be true or false, but it is 'yes'.", result.Stderr);
    }
}
