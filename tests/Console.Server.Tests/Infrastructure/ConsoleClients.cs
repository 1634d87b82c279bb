using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>Ways into the console a test needs: people through the real sign-in form, machines with real API keys.</summary>
public static partial class ConsoleClients
{
    public const string Password = "correct horse battery staple";

    /// <summary>A browser: keeps cookies, does not follow redirects, comes from its own IP address.</summary>
    public static BrowserClient CreateBrowserClient(this ConsoleFactory factory, string? address = null)
    {
        var cookies = new CookieContainer();
        var handler = new CookieJarHandler(cookies) { InnerHandler = factory.Server.CreateHandler() };
        var client = new BrowserClient(handler, cookies) { BaseAddress = factory.Server.BaseAddress };
        client.DefaultRequestHeaders.Add(ConsoleFactory.ClientAddressHeader, address ?? NewClientAddress());
        return client;
    }

    /// <summary>A random address in 10.0.0.0/8, so that clients of one factory do not share a rate limit.</summary>
    public static string NewClientAddress() =>
        $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    /// <summary>Creates a user with roles directly (as the CLI does), audited like any other.</summary>
    public static async Task<string> CreateUserAsync(this ConsoleFactory factory, string email, params string[] roles)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("test"));
        var result = await scope.ServiceProvider.GetRequiredService<UserAdmin>().CreateUserAsync(email, Password, roles, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ConsoleUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    /// <summary>A client signed in through the real sign-in form, sending the API's CSRF header.</summary>
    public static async Task<BrowserClient> SignedInClientAsync(this ConsoleFactory factory, string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, role);
        var client = factory.CreateBrowserClient();
        var response = await client.SignInAsync(email, Password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            // Say why: the answer and what the server warned about, not only the status.
            var warnings = factory.Logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(5);
            Assert.Fail($"Signing in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{string.Join('\n', warnings)}");
        }
        Assert.DoesNotContain("Login", response.Headers.Location?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
        client.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        return client;
    }

    /// <summary>Posts the sign-in form as a browser would, antiforgery token included.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string email, string password)
    {
        var token = await AntiforgeryTokenAsync(client, "/Account/Login");
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var match = AntiforgeryInput().Match(html);
        Assert.True(match.Success, $"No antiforgery token on {path}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A client that authenticates with a freshly issued API key with these scopes.</summary>
    public static async Task<(HttpClient Client, string Secret)> KeyClientAsync(this ConsoleFactory factory, params string[] scopes)
    {
        var owner = await factory.CreateUserAsync($"svc-{Guid.NewGuid():N}@example.test", SecurityConsole.Shared.Security.Roles.Developer);
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("test"));
        var issued = await scope.ServiceProvider.GetRequiredService<ApiKeyIssuer>()
            .IssueAsync(owner, "test", "production", scopes, null, "tests", CancellationToken.None);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Secret);
        return (client, issued.Secret);
    }

    /// <summary>Issues a setup link as the first start does and returns its token.</summary>
    public static async Task<string> IssueSetupTokenAsync(this ConsoleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SetupService>().IssueAsync(CancellationToken.None);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
