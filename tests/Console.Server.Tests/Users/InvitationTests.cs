using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Users;

public abstract class InvitationTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnInvitedPersonSetsAPasswordAndIsSignedInWithTheInvitedRolesPermissions()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var email = NewEmail();
        var invitation = await InviteAsync(admin, email, Roles.Auditor);
        Assert.Equal(email, invitation.Email);
        Assert.Equal([Roles.Auditor], invitation.Roles);

        var invitee = Factory.CreateBrowserClient();
        var response = await AcceptAsync(invitee, invitation.Link);
        await response.AssertStatusAsync(HttpStatusCode.Redirect);

        invitee.DefaultRequestHeaders.Add("X-Console-Request", "1");
        var me = await invitee.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct);
        Assert.Equal(email, me!.Email);
        Assert.Equal([Roles.Auditor], me.Roles);
        Assert.Equal(Roles.PermissionsOf(Roles.Auditor).Order(), me.Permissions.Order());
        Assert.DoesNotContain(Permissions.UsersManage, me.Permissions);
        // The permissions are really enforced: an Auditor may not manage users.
        Assert.Equal(HttpStatusCode.Forbidden, (await invitee.GetAsync("/api/v1/users", Ct)).StatusCode);
    }

    [Fact]
    public async Task AnInvitationLinkWorksOnlyOnce()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var invitation = await InviteAsync(admin, NewEmail(), Roles.Developer);
        await (await AcceptAsync(Factory.CreateBrowserClient(), invitation.Link)).AssertStatusAsync(HttpStatusCode.Redirect);

        var second = Factory.CreateBrowserClient();
        var page = await second.GetStringAsync(PathOf(invitation.Link), Ct);
        Assert.Contains("This invitation link is not valid", page);
        Assert.DoesNotContain("__RequestVerificationToken", page);
        Assert.Equal(1, await CountUsersAsync(invitation.Email));
    }

    [Fact]
    public async Task ARevokedInvitationIsRefusedAndCreatesNoAccount()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var invitee = Factory.CreateBrowserClient();
        var invitation = await InviteAsync(admin, NewEmail(), Roles.Developer);
        // The invitee opens the link (and so holds a valid form) before the admin revokes it.
        var antiforgery = await ConsoleClients.AntiforgeryTokenAsync(invitee, PathOf(invitation.Link));

        var revoke = await admin.DeleteAsync($"/api/v1/users/invitations/{invitation.Id}", Ct);
        await revoke.AssertStatusAsync(HttpStatusCode.NoContent);

        var page = await Factory.CreateBrowserClient().GetStringAsync(PathOf(invitation.Link), Ct);
        Assert.Contains("This invitation link is not valid", page);
        var response = await PostAcceptAsync(invitee, antiforgery, TokenOf(invitation.Link));
        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await CountUsersAsync(invitation.Email));
        var open = await admin.GetFromJsonAsync<List<InvitationSummary>>("/api/v1/users/invitations", Ct);
        Assert.DoesNotContain(open!, i => i.Id == invitation.Id);
    }

    [Fact]
    public async Task AnInvitationWithABadEmailAndUnknownRoleIsAValidationProblemNamingBothFields()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new { email = "not-an-email", roles = new[] { "Wizard" } }, Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("email"));
        Assert.Contains(problem.FieldErrors("roles"), m => m.Contains("Wizard", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnInvitationWithoutRolesIsAValidationProblemNamingRoles()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new { email = NewEmail(), roles = Array.Empty<string>() }, Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("roles"));
        Assert.False(problem.GetProperty("errors").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task InvitingSomeoneWhoAlreadyHasAnAccountIsAValidationProblemNamingEmail()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var email = NewEmail();
        await Factory.CreateUserAsync(email, Roles.Developer);
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(email, [Roles.Developer]), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("email"));
    }

    [Theory]
    [InlineData(Roles.Developer)]
    [InlineData(Roles.SecurityAnalyst)]
    [InlineData(Roles.Auditor)]
    [InlineData(Roles.Approver)]
    public async Task SomeoneWhoIsNotAnAdminCannotInvite(string role)
    {
        var client = await Factory.SignedInClientAsync(role);
        var response = await client.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(NewEmail(), [Roles.Admin]), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AnAnonymousCallerCannotInvite()
    {
        var client = Factory.CreateBrowserClient();
        var response = await client.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(NewEmail(), [Roles.Admin]), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task InvitingWritesAnAuditEntryNamingTheInvitingAdmin()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var adminId = (await admin.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!.Id;
        var invitation = await InviteAsync(admin, NewEmail(), Roles.Developer);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var entry = await db.AuditEntries.SingleAsync(e => e.Action == "user.invited" && e.TargetId == invitation.Id, Ct);
        Assert.Equal("user", entry.ActorType);
        Assert.Equal(adminId, entry.ActorId);
        // The invitee's email is personal data: stored encrypted, not in the plain data, and readable by an admin with pii:read.
        Assert.DoesNotContain(invitation.Email, entry.Data ?? "");
        Assert.DoesNotContain(TokenOf(invitation.Link), entry.Data ?? "");
        var revealed = await admin.GetFromJsonAsync<AuditEntryView>($"/api/v1/audit/{entry.Sequence}?reveal=true",
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }, Ct);
        Assert.Equal(invitation.Email, revealed!.Personal!["email"]);
    }

    internal static string NewEmail() => $"person-{Guid.NewGuid():N}@example.test";

    internal static async Task<InvitationCreated> InviteAsync(HttpClient admin, string email, params string[] roles)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(email, roles), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<InvitationCreated>(Ct))!;
    }

    internal static async Task<HttpResponseMessage> AcceptAsync(HttpClient invitee, string link)
    {
        var antiforgery = await ConsoleClients.AntiforgeryTokenAsync(invitee, PathOf(link));
        return await PostAcceptAsync(invitee, antiforgery, TokenOf(link));
    }

    private static Task<HttpResponseMessage> PostAcceptAsync(HttpClient invitee, string antiforgery, string token) =>
        invitee.PostAsync("/Account/AcceptInvite", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "accept-invite",
            ["token"] = token,
            ["Input.Password"] = ConsoleClients.Password,
            ["Input.ConfirmPassword"] = ConsoleClients.Password,
        }), Ct);

    private static string PathOf(string link) => new Uri(link).PathAndQuery;

    private static string TokenOf(string link) => Uri.UnescapeDataString(new Uri(link).Query.Split("token=")[1]);

    private async Task<int> CountUsersAsync(string email)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var normalized = email.ToUpperInvariant();
        return await db.Users.CountAsync(u => u.NormalizedEmail == normalized, Ct);
    }
}

public sealed class SqliteInvitationTests(SqliteConsole console) : InvitationTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresInvitationTests(PostgresConsole console) : InvitationTests(console), IClassFixture<PostgresConsole>;
