using System.Net;
using SecurityConsole.Server.Tests.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Twelve characters are not enough when they are the twelve everyone picks: common and breached passwords, and
/// passwords made of one character, a sequence or a keyboard row, are refused wherever a password is chosen.
/// </summary>
public abstract class PasswordBlocklistTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    public static TheoryData<string> Weak =>
    [
        "aaaaaaaaaaaa",
        "AAAAAAAAAAAAAAAA",
        "123456789012",
        "abcdefghijkl",
        "qwertyuiopas",
        "1qaz2wsx3edc",
        "password1234",
        "Password2024!",
        "P@ssw0rd12345",
        "iloveyou1234",
        "sunshine!!!!",
        "abcabcabcabc",
        "passwordpassword",
        "zyxwvutsrqpo",
    ];

    [Theory]
    [MemberData(nameof(Weak))]
    public async Task AnInvitedPersonCannotChooseACommonOrPatternedPassword(string password)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var invitation = await InvitationTests.InviteAsync(admin, InvitationTests.NewEmail(), Roles.Developer);
        var invitee = Factory.CreateBrowserClient();
        var response = await AcceptAsync(invitee, invitation.Link, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("too common", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await invitee.GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task APasswordThatIsTheEmailAddressIsRefused()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var email = $"jane.longname{Random.Shared.Next(1000, 9999)}@example.test";
        var invitation = await InvitationTests.InviteAsync(admin, email, Roles.Developer);
        var response = await AcceptAsync(Factory.CreateBrowserClient(), invitation.Link, email.Split('@')[0] + "!");
        Assert.Contains("your email address", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("Tr0ub4dor&3-lamp-river")]
    [InlineData("mountain-otter-42-copper")]
    public async Task AnUncommonPasswordIsAccepted(string password)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var invitation = await InvitationTests.InviteAsync(admin, InvitationTests.NewEmail(), Roles.Developer);
        var response = await AcceptAsync(Factory.CreateBrowserClient(), invitation.Link, password);
        await response.AssertStatusAsync(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task ASignedInPersonCannotChangeTheirPasswordToACommonOne()
    {
        var client = await Factory.SignedInClientAsync(Roles.Developer);
        var token = await ConsoleClients.AntiforgeryTokenAsync(client, "/Account/Manage/ChangePassword");
        var response = await client.PostAsync("/Account/Manage/ChangePassword", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "change-password",
            ["Input.OldPassword"] = ConsoleClients.Password,
            ["Input.NewPassword"] = "qwerty123456",
            ["Input.ConfirmPassword"] = "qwerty123456",
        }), Ct);
        Assert.Contains("too common", await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<HttpResponseMessage> AcceptAsync(HttpClient invitee, string link, string password)
    {
        var uri = new Uri(link);
        var antiforgery = await ConsoleClients.AntiforgeryTokenAsync(invitee, uri.PathAndQuery);
        return await invitee.PostAsync("/Account/AcceptInvite", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "accept-invite",
            ["token"] = Uri.UnescapeDataString(uri.Query.Split("token=")[1]),
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        }), Ct);
    }
}

public sealed class SqlitePasswordBlocklistTests(SqliteConsole console) : PasswordBlocklistTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresPasswordBlocklistTests(PostgresConsole console) : PasswordBlocklistTests(console), IClassFixture<PostgresConsole>;
