using System.Net;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// After the password is accepted, the sign-in form sends the person back to where they came from, but only
/// within the console: any other place is replaced by the start page, never an error and never an open redirect.
/// </summary>
public abstract class ReturnUrlTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    public static TheoryData<string> ElsewhereUrls =>
    [
        "https://evil.example/",
        "http://evil.example/keys",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "http://localhost.evil.example/",
        "ftp://evil.example/file",
        "data:text/html,<script>alert(1)</script>",
        "https://user@evil.example/",
    ];

    [Theory]
    [MemberData(nameof(ElsewhereUrls))]
    public async Task AReturnUrlOutsideTheConsoleSignsInAndGoesToTheStartPage(string returnUrl)
    {
        var (client, response) = await SignInWithReturnUrlAsync(returnUrl);
        await response.AssertStatusAsync(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(Factory.Server.BaseAddress, location);
        Assert.Equal(Factory.Server.BaseAddress.Authority, target.Authority);
        Assert.Equal("/", target.AbsolutePath);
        Assert.Contains(client.Cookies.GetAllCookies(), c => c.Name == "console.auth");
    }

    [Theory]
    [InlineData("/keys", "/keys")]
    [InlineData("/alerts?status=open", "/alerts")]
    [InlineData("keys/mine", "/keys/mine")]
    public async Task AReturnUrlInsideTheConsoleIsFollowed(string returnUrl, string path)
    {
        var (_, response) = await SignInWithReturnUrlAsync(returnUrl);
        await response.AssertStatusAsync(HttpStatusCode.Redirect);
        var location = response.Headers.Location!;
        var target = location.IsAbsoluteUri ? location : new Uri(Factory.Server.BaseAddress, location);
        Assert.Equal(Factory.Server.BaseAddress.Authority, target.Authority);
        Assert.Equal(path, target.AbsolutePath);
    }

    private async Task<(BrowserClient Client, HttpResponseMessage Response)> SignInWithReturnUrlAsync(string returnUrl)
    {
        var email = $"returning-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(email, Roles.Developer);
        var client = Factory.CreateBrowserClient();
        var path = $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var token = await ConsoleClients.AntiforgeryTokenAsync(client, path);
        var response = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = ConsoleClients.Password,
        }), Ct);
        return (client, response);
    }
}

public sealed class SqliteReturnUrlTests(SqliteConsole console) : ReturnUrlTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresReturnUrlTests(PostgresConsole console) : ReturnUrlTests(console), IClassFixture<PostgresConsole>;
