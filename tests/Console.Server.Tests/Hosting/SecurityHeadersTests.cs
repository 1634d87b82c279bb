using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The headers the console promises (docs/operations.md, Hosting/SecurityHeaders.cs) are on every kind of response it
/// gives, over HTTPS as in production: pages, API JSON, the API reference, the jobs dashboard, static files, the hub,
/// redirects and every error, 500 included.
/// </summary>
public sealed class SecurityHeadersTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    [Fact]
    public async Task EveryKindOfResponseCarriesTheSecurityHeaders()
    {
        var factory = console.Factory;
        var anonymous = factory.HttpsBrowserClient();
        var admin = await factory.HttpsSignedInClientAsync(Roles.Admin);
        var developer = await factory.HttpsSignedInClientAsync(Roles.Developer);
        var kinds = new (string Kind, HttpClient Client, HttpMethod Method, string Path, HttpStatusCode Status)[]
        {
            ("sign-in page", anonymous, HttpMethod.Get, "/Account/Login", HttpStatusCode.OK),
            ("app page", admin, HttpMethod.Get, "/", HttpStatusCode.OK),
            ("API JSON", admin, HttpMethod.Get, "/api/v1/me", HttpStatusCode.OK),
            ("OpenAPI document", anonymous, HttpMethod.Get, "/openapi/v1.json", HttpStatusCode.OK),
            ("API reference", anonymous, HttpMethod.Get, "/api-docs/", HttpStatusCode.OK),
            ("jobs dashboard", admin, HttpMethod.Get, "/jobs", HttpStatusCode.OK),
            ("health", anonymous, HttpMethod.Get, "/health/live", HttpStatusCode.OK),
            ("static file", anonymous, HttpMethod.Get, "/app.css", HttpStatusCode.OK),
            ("framework script", anonymous, HttpMethod.Get, "/_framework/blazor.web.js", HttpStatusCode.OK),
            ("hub negotiate", admin, HttpMethod.Post, "/hubs/alerts/negotiate?negotiateVersion=1", HttpStatusCode.OK),
            ("sign-in redirect", anonymous, HttpMethod.Get, "/jobs", HttpStatusCode.Redirect),
            ("page 404", admin, HttpMethod.Get, "/no-such-page", HttpStatusCode.NotFound),
            ("missing file 404", anonymous, HttpMethod.Get, "/_content/MudBlazor/no-such-file.js", HttpStatusCode.NotFound),
            ("API 404", admin, HttpMethod.Get, "/api/v1/no-such-thing", HttpStatusCode.NotFound),
            ("API 401", anonymous, HttpMethod.Get, "/api/v1/me", HttpStatusCode.Unauthorized),
            ("API 403", developer, HttpMethod.Get, "/api/v1/users", HttpStatusCode.Forbidden),
            ("API 400 problem", admin, HttpMethod.Get, "/api/v1/alerts?limit=many", HttpStatusCode.BadRequest),
            ("form 400 (no antiforgery token)", anonymous, HttpMethod.Post, "/Account/Logout", HttpStatusCode.BadRequest),
        };
        var missing = new List<string>();
        foreach (var (kind, client, method, path, status) in kinds)
        {
            using var request = new HttpRequestMessage(method, path);
            if (method == HttpMethod.Post && path.StartsWith("/Account/", StringComparison.Ordinal))
            {
                // A form post as a cross-site page would send it: no antiforgery token.
                request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" });
            }
            using var response = await client.SendAsync(request, Ct);
            if (response.StatusCode != status)
            {
                missing.Add($"{kind} ({method} {path}): expected {(int)status}, got {(int)response.StatusCode}");
            }
            missing.AddRange(MissingHeaders(response).Select(m => $"{kind} ({method} {path}, {(int)response.StatusCode}): {m}"));
        }
        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    [Fact]
    public async Task AnUnexpectedServerErrorCarriesTheSecurityHeadersToo()
    {
        await using var factory = await console.CreateFreshAsync();
        factory.ServiceOverrides = services => services.AddSingleton<ISecurityEventSink, FailingSink>();
        var (key, secret) = await factory.KeyClientAsync(Permissions.EventsWrite);
        var client = factory.HttpsBrowserClient();
        client.DefaultRequestHeaders.Authorization = key.DefaultRequestHeaders.Authorization;

        using var response = await client.PostAsync("/api/v1/events", JsonContent.Create(new[] { new { type = "auth.login_failed", outcome = "failure" } }), Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{(int)response.StatusCode} {body}");
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        var missing = MissingHeaders(response).ToList();
        Assert.True(missing.Count == 0, string.Join('\n', missing));
    }

    /// <summary>What every response must carry; a page and data differ only in what their policy lets load.</summary>
    private static IEnumerable<string> MissingHeaders(HttpResponseMessage response)
    {
        string? Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                ? string.Join(", ", values) : null;
        var csp = Header("Content-Security-Policy");
        if (csp is null || !csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal) || !csp.Contains("default-src", StringComparison.Ordinal)
            || csp.Contains("'unsafe-eval'", StringComparison.Ordinal))
        {
            yield return $"Content-Security-Policy is '{csp}'";
        }
        foreach (var (name, value) in new[]
        {
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
        })
        {
            if (Header(name) != value)
            {
                yield return $"{name} is '{Header(name)}', not '{value}'";
            }
        }
        if (Header("Permissions-Policy") is not { } permissions || !permissions.Contains("camera=()", StringComparison.Ordinal))
        {
            yield return $"Permissions-Policy is '{Header("Permissions-Policy")}'";
        }
        // Over HTTPS the browser is told to keep to HTTPS (its max-age is set in one place; any lasting value will do here).
        if (Header("Strict-Transport-Security") is not { } hsts || !hsts.StartsWith("max-age=", StringComparison.Ordinal) || hsts.StartsWith("max-age=0", StringComparison.Ordinal))
        {
            yield return $"Strict-Transport-Security is '{Header("Strict-Transport-Security")}'";
        }
    }

    private sealed class FailingSink : ISecurityEventSink
    {
        public void Emit(SecurityEvent e)
        {
        }

        public Task<long[]> WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken ct) =>
            throw new InvalidOperationException("A failure nobody planned for.");
    }
}

internal static class HttpsClients
{
    private static readonly Uri Https = new("https://console.example.test/");

    /// <summary>A browser on HTTPS, under a host name that is not localhost (HSTS is never sent to localhost).</summary>
    public static BrowserClient HttpsBrowserClient(this ConsoleFactory factory)
    {
        var cookies = new CookieContainer();
        var client = new BrowserClient(new CookieJarHandler(cookies) { InnerHandler = factory.Server.CreateHandler() }, cookies) { BaseAddress = Https };
        client.DefaultRequestHeaders.Add(ConsoleFactory.ClientAddressHeader, ConsoleClients.NewClientAddress());
        return client;
    }

    public static async Task<BrowserClient> HttpsSignedInClientAsync(this ConsoleFactory factory, string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, role);
        var client = factory.HttpsBrowserClient();
        var response = await client.SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        client.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        return client;
    }
}
