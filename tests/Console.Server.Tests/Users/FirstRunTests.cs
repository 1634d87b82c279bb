using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Users;

/// <remarks>
/// One console for the class's tests that leave it without users (no account; a made-up setup token); the test that
/// creates the first admin starts a console of its own.
/// </remarks>
public abstract class FirstRunTests(SharedConsole console)
{
    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AFreshConsoleHasNoUsersAndNoDefaultPassword()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        Assert.False(await db.Users.AnyAsync(TestContext.Current.CancellationToken));
        var client = Factory.CreateBrowserClient();
        var response = await client.SignInAsync("admin@localhost", "admin");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task TheSetupLinkCreatesTheFirstAdminOnceAndSignsThemIn()
    {
        await using var factory = await console.CreateFreshAsync();
        var token = await factory.IssueSetupTokenAsync();
        var client = factory.CreateBrowserClient();

        var response = await PostSetupAsync(client, token, "first.admin@example.test");
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        client.DefaultRequestHeaders.Add("X-Console-Request", "1");
        var me = await client.GetFromJsonAsync<SecurityConsole.Shared.Users.CurrentUser>("/api/v1/me", TestContext.Current.CancellationToken);
        Assert.Equal("first.admin@example.test", me!.Email);
        Assert.Contains(Roles.Admin, me.Roles);
        Assert.Contains(Permissions.UsersManage, me.Permissions);

        // The same link a second time, from another browser: refused.
        var other = factory.CreateBrowserClient();
        var page = await other.GetStringAsync($"/setup?token={token}", TestContext.Current.CancellationToken);
        Assert.Contains("This setup link is not valid", page);
    }

    [Fact]
    public async Task AMadeUpSetupTokenIsRefused()
    {
        await Factory.IssueSetupTokenAsync();
        var client = Factory.CreateBrowserClient();
        var page = await client.GetStringAsync("/setup?token=not-the-token", TestContext.Current.CancellationToken);
        Assert.Contains("This setup link is not valid", page);
    }

    internal static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string token, string email)
    {
        var af = await ConsoleClients.AntiforgeryTokenAsync(client, $"/setup?token={token}");
        return await client.PostAsync("/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = af,
            ["_handler"] = "setup",
            ["token"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = ConsoleClients.Password,
            ["Input.ConfirmPassword"] = ConsoleClients.Password,
        }));
    }
}

public sealed class SqliteFirstRunTests(SqliteConsole console) : FirstRunTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresFirstRunTests(PostgresConsole console) : FirstRunTests(console), IClassFixture<PostgresConsole>;

/// <summary>--demo fills the console with people (who sign in with the printed password and two-factor); the first admin still comes from the setup link.</summary>
public sealed class DemoFirstRunTests : IAsyncLifetime
{
    private ConsoleFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?> { ["Console:Demo"] = "true" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task WithDemoDataTheSetupLinkStillCreatesTheFirstAdmin()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            Assert.True(await db.Users.CountAsync(TestContext.Current.CancellationToken) >= 6, "demo people were not created");
            Assert.True(await scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Users.SetupService>().IsNeededAsync(TestContext.Current.CancellationToken));
        }
        var token = await _factory.IssueSetupTokenAsync();
        var client = _factory.CreateBrowserClient();
        var response = await FirstRunTests.PostSetupAsync(client, token, "demo.admin@example.test");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        client.DefaultRequestHeaders.Add("X-Console-Request", "1");
        var me = await client.GetFromJsonAsync<SecurityConsole.Shared.Users.CurrentUser>("/api/v1/me", TestContext.Current.CancellationToken);
        Assert.Contains(Roles.Admin, me!.Roles);
    }
}
