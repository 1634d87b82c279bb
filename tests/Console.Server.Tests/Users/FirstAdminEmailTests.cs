using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Tests.Users;

/// <summary>The first admin's address is held to the same rule as an invitation's: an address, nothing else.</summary>
public abstract class FirstAdminEmailTests : IAsyncLifetime
{
    protected ConsoleFactory Factory { get; private set; } = null!;

    protected abstract Task<ConsoleFactory> CreateFactoryAsync();

    public async ValueTask InitializeAsync() => Factory = await CreateFactoryAsync();

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    [Theory]
    [InlineData("<svg/onload=alert(1)>@x.io")]
    [InlineData("admin@localhost")]
    [InlineData("a..b@example.test")]
    public async Task TheSetupPageRefusesSomethingThatIsNotAnAddressAndCreatesNoAdmin(string email)
    {
        var token = await Factory.IssueSetupTokenAsync();
        var response = await FirstRunTests.PostSetupAsync(Factory.CreateBrowserClient(), token, email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Enter an email address such as name@example.com.", await response.Content.ReadAsStringAsync(Ct));
        await using var scope = Factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().Users.AnyAsync(Ct));
        // The link was not spent: the first admin can still be created with a real address.
        var retry = await FirstRunTests.PostSetupAsync(Factory.CreateBrowserClient(), token, "first.admin@example.test");
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
    }
}

public sealed class SqliteFirstAdminEmailTests : FirstAdminEmailTests
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => Task.FromResult(ConsoleFactory.Sqlite());
}

public sealed class PostgresFirstAdminEmailTests(PostgresServer postgres) : FirstAdminEmailTests
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => ConsoleFactory.PostgresAsync(postgres);
}
