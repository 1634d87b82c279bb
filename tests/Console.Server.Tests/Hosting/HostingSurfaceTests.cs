using System.Net;
using System.Text.Json;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>What operators and integrators reach besides the API: health, headers, API docs, the jobs dashboard.</summary>
public sealed class HostingSurfaceTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task LivenessAnswersAnonymouslyWithoutCheckingDependencies()
    {
        var response = await Factory.CreateClient().GetAsync("/health/live", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        Assert.Empty(json.GetProperty("checks").EnumerateObject());
    }

    [Fact]
    public async Task ReadinessChecksTheDatabaseAndTheJobStorage()
    {
        var checks = await ReadyChecksAsync(Factory, HttpStatusCode.OK);
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal("Healthy", checks["jobs"]);
        Assert.False(checks.ContainsKey("redis"));
    }

    [Theory]
    [InlineData("/Account/Login", "default-src 'self'")]
    [InlineData("/api/v1/me", "default-src 'none'")]
    [InlineData("/api/v1/no-such-thing", "default-src 'none'")]
    [InlineData("/health/live", "default-src 'none'")]
    [InlineData("/openapi/v1.json", "default-src 'none'")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string path, string defaultSource)
    {
        var response = await Factory.CreateBrowserClient().GetAsync(path, Ct);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp);
        // Pages load the app from this origin; data (JSON, text) loads nothing at all.
        Assert.Contains(defaultSource, csp);
        Assert.DoesNotContain("'unsafe-eval'", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheUsersApi()
    {
        var response = await Factory.CreateClient().GetAsync("/openapi/v1.json", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/users", out _), paths.ToString());
        Assert.True(paths.TryGetProperty("/api/v1/users/invitations", out var invitations));
        Assert.True(invitations.TryGetProperty("post", out _));
        Assert.True(paths.TryGetProperty("/api/v1/me", out _));
        // Account plumbing is not part of the public API.
        Assert.DoesNotContain(paths.EnumerateObject(), p => p.Name.StartsWith("/Account", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheApiReferencePageIsServedByScalar()
    {
        var response = await Factory.CreateClient().GetAsync("/api-docs", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("scalar", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("openapi", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheJobsDashboardIsRefusedToADeveloper()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var response = await developer.GetAsync("/jobs", Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden
            || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("AccessDenied")),
            $"{response.StatusCode} {response.Headers.Location}");
        Assert.DoesNotContain("Security Console jobs", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TheJobsDashboardSendsAnAnonymousVisitorToSignIn()
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/jobs", Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized
            || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("Account/Login")),
            $"{response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task TheJobsDashboardIsServedToAnAdmin()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.GetAsync("/jobs", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains("Security Console jobs", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TheJobsDashboardWritesTimesInTheConsolesOneFormatInUtc()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var page = await (await admin.GetAsync("/jobs", Ct)).Content.ReadAsStringAsync(Ct);
        var script = System.Text.RegularExpressions.Regex.Match(page, "<script[^>]+src=\"([^\"]*/jobs/js[^\"]*)\"");
        Assert.True(script.Success, page);

        var response = await admin.GetAsync(System.Net.WebUtility.HtmlDecode(script.Groups[1].Value), Ct);

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var bundle = await response.Content.ReadAsStringAsync(Ct);
        // The console's script comes after moment and Hangfire's own, and turns 'llll' and 'l LTS' into UTC, marked.
        var ours = bundle.IndexOf("__consoleUtc", StringComparison.Ordinal);
        Assert.True(ours > bundle.IndexOf("moment-local", StringComparison.Ordinal), "the console's script is missing or runs before Hangfire's");
        Assert.Contains("\"llll\": \"YYYY-MM-DD HH:mm:ss [UTC]\"", bundle);
        // Added once, however many consoles this process has started.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(bundle, @"moment\.fn\.__consoleUtc = true"));
    }

    [Fact]
    public async Task StaticAssetsAreServedAnonymously()
    {
        var response = await Factory.CreateBrowserClient().GetAsync("/app.css", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AccountManagementPagesNeedASignedInPerson()
    {
        var anonymous = await Factory.CreateBrowserClient().GetAsync("/Account/Manage", Ct);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("Account/Login", anonymous.Headers.Location!.ToString());
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        await (await developer.GetAsync("/Account/Manage", Ct)).AssertStatusAsync(HttpStatusCode.OK);
    }

    internal static async Task<Dictionary<string, string>> ReadyChecksAsync(ConsoleFactory factory, HttpStatusCode expected)
    {
        var response = await factory.CreateClient().GetAsync("/health/ready", Ct);
        await response.AssertStatusAsync(expected);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return json.GetProperty("checks").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("status").GetString()!);
    }
}

public sealed class RedisHealthTests(RedisServer redis)
{
    [Fact]
    public async Task ReadinessChecksRedisWhenItIsConfigured()
    {
        await using var factory = ConsoleFactory.Sqlite(redis.ConnectionString);
        var checks = await HostingSurfaceTests.ReadyChecksAsync(factory, HttpStatusCode.OK);
        Assert.Equal("Healthy", checks["redis"]);
        Assert.Equal("Healthy", checks["database"]);
    }

    [Fact]
    public async Task ReadinessFailsWhenTheConfiguredRedisIsUnreachable()
    {
        await using var factory = ConsoleFactory.Sqlite($"127.0.0.1:{TestEnvironment.FreePort()},abortConnect=false,connectTimeout=500,syncTimeout=500,asyncTimeout=500");
        var checks = await HostingSurfaceTests.ReadyChecksAsync(factory, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("Unhealthy", checks["redis"]);
        Assert.Equal("Healthy", checks["database"]);
    }
}
