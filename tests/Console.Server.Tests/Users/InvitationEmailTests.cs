using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Users;

/// <summary>
/// An invitation goes to an e-mail address, and only an address: markup, spaces, quotes and stray @ are refused by
/// the same rule in the browser, the API, the first-run page and the command line.
/// </summary>
public abstract class InvitationEmailTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    public static TheoryData<string> NotAddresses =>
    [
        "<svg/onload=alert(1)>@x.io",
        "\"><img src=x onerror=alert(1)>@x.io",
        "a@b@x.io",
        "a b@x.io",
        "a@x",
        "a@-x.io",
        "a@x-.io",
        "a@x..io",
        ".a@x.io",
        "a.@x.io",
        "a..b@x.io",
        "(comment)a@x.io",
        "a@[127.0.0.1]",
        "javascript:alert(1)@x.io",
        "a@x.io\n",
        "a\t@x.io",
        "é@x.io",
    ];

    [Theory]
    [MemberData(nameof(NotAddresses))]
    public async Task AnInvitationToSomethingThatIsNotAnAddressIsRefusedNamingEmail(string email)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(email, [Roles.Developer]), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Enter an email address such as name@example.com.", problem.FieldErrors("email"));
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        Assert.False(await db.Invitations.AnyAsync(i => i.Email == email, Ct));
    }

    [Theory]
    [InlineData("o'brien@example.test")]
    [InlineData("first.last+tag@sub.example.test")]
    [InlineData("x@x.io")]
    [InlineData("USER_1-a@EXAMPLE-host.test")]
    public async Task RealAddressesAreInvited(string local)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        // Unique per run, keeping the shape under test.
        var email = local.Replace("@", $"{Random.Shared.Next(100_000, 999_999)}@", StringComparison.Ordinal);
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(email, [Roles.Developer]), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
    }
}

public sealed class SqliteInvitationEmailTests(SqliteConsole console) : InvitationEmailTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresInvitationEmailTests(PostgresConsole console) : InvitationEmailTests(console), IClassFixture<PostgresConsole>;
