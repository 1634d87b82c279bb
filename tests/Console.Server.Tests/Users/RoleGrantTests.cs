using System.Net;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Users;

/// <summary>
/// Roles are granted only by someone who holds everything the role grants; Admin only by an admin signed in with
/// two-factor, never by a key (issue 10, finding 2). An invitation carries its roles to whoever holds the link,
/// so it is a grant too.
/// </summary>
public abstract class RoleGrantTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task GrantingTheAdminRoleNeedsAnAdminSignedInWithTwoFactorNeverAKey()
    {
        var id = await Factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Developer);
        var withoutTwoFactor = await Factory.SignedInClientAsync(Roles.Admin);
        var refused = await withoutTwoFactor.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Admin]), Ct);
        Assert.Contains("two-factor", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);
        await (await withoutTwoFactor.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(InvitationTests.NewEmail(), [Roles.Admin]), Ct))
            .AssertProblemAsync(HttpStatusCode.Forbidden);

        var (key, _) = await Factory.KeyClientAsync([.. Permissions.All]);
        await (await key.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Admin]), Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await key.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(InvitationTests.NewEmail(), [Roles.Admin]), Ct))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        var users = await withoutTwoFactor.GetFromJsonAsync<List<UserSummary>>("/api/v1/users", Ct);
        Assert.Equal([Roles.Developer], users!.Single(u => u.Id == id).Roles);

        var admin = await Factory.SignedInWithTwoFactorAsync(Roles.Admin);
        await (await admin.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Admin]), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(InvitationTests.NewEmail(), [Roles.Admin]), Ct))
            .AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AKeyCannotGrantOrInviteWithARoleWhosePermissionsItDoesNotHold()
    {
        var id = await Factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Developer, Roles.Approver);
        var (usersOnly, _) = await Factory.KeyClientAsync(Permissions.UsersManage);
        var refused = await usersOnly.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Developer, Roles.Auditor]), Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(Permissions.AuditRead, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await usersOnly.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(InvitationTests.NewEmail(), [Roles.Auditor]), Ct))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        // Taking a role away grants nothing.
        await (await usersOnly.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Developer]), Ct)).AssertStatusAsync(HttpStatusCode.OK);

        var (auditorMaker, _) = await Factory.KeyClientAsync([Permissions.UsersManage, .. Roles.PermissionsOf(Roles.Auditor)]);
        await (await auditorMaker.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Auditor]), Ct))
            .AssertStatusAsync(HttpStatusCode.OK);
    }
}

public sealed class SqliteRoleGrantTests(SqliteConsole console) : RoleGrantTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresRoleGrantTests(PostgresConsole console) : RoleGrantTests(console), IClassFixture<PostgresConsole>;
