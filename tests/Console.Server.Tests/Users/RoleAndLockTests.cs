using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Users;

public abstract class RoleAndLockTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ChangingAUsersRolesChangesWhatTheyMayDoAtTheirNextSignIn()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var email = InvitationTests.NewEmail();
        var id = await Factory.CreateUserAsync(email, Roles.Developer);

        var response = await admin.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.SecurityAnalyst, Roles.Auditor]), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var summary = await response.Content.ReadFromJsonAsync<UserSummary>(Ct);
        Assert.Equal([Roles.Auditor, Roles.SecurityAnalyst], summary!.Roles);

        var user = await SignInAsync(email);
        var me = await user.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct);
        Assert.Equal([Roles.Auditor, Roles.SecurityAnalyst], me!.Roles);
        Assert.Contains(Permissions.AlertsTriage, me.Permissions);
        Assert.Contains(Permissions.ReportsWrite, me.Permissions);
        Assert.DoesNotContain(Permissions.UsersManage, me.Permissions);

        var entry = await SingleAuditAsync("user.roles_changed", id);
        Assert.Equal(AuditCategories.Admin, entry.Category);
        Assert.Contains(Roles.SecurityAnalyst, entry.Data);
        Assert.Contains(Roles.Developer, entry.Data);
    }

    [Fact]
    public async Task AnUnknownRoleIsAValidationProblemAndChangesNothing()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var id = await Factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Developer);
        var response = await admin.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest(["Superuser"]), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("roles"));
        Assert.Equal(0, await CountAuditAsync("user.roles_changed", id));
    }

    [Fact]
    public async Task ChangingTheRolesOfAnUnknownUserIsNotFound()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.PutAsJsonAsync($"/api/v1/users/{Guid.NewGuid()}/roles", new SetRolesRequest([Roles.Developer]), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TheLastAdminCannotDropTheAdminRoleButCanOnceThereIsAnother()
    {
        // Needs a database where this admin is the only one.
        await using var factory = await console.CreateFreshAsync();
        var email = InvitationTests.NewEmail();
        var admin = await factory.SignedInClientAsync(Roles.Admin, email);
        var me = (await admin.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!;

        var refused = await admin.PutAsJsonAsync($"/api/v1/users/{me.Id}/roles", new SetRolesRequest([Roles.Developer]), Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors("roles"), m => m.Contains("last admin", StringComparison.OrdinalIgnoreCase));
        var users = await admin.GetFromJsonAsync<List<UserSummary>>("/api/v1/users", Ct);
        Assert.Equal([Roles.Admin], users!.Single(u => u.Id == me.Id).Roles);
        Assert.Equal(0, await CountAuditAsync(factory, "user.roles_changed", me.Id));

        await factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Admin);
        var allowed = await admin.PutAsJsonAsync($"/api/v1/users/{me.Id}/roles", new SetRolesRequest([Roles.Developer]), Ct);
        await allowed.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, await CountAuditAsync(factory, "user.roles_changed", me.Id));
    }

    [Fact]
    public async Task TheLastAdminCannotBeLockedButCanOnceThereIsAnother()
    {
        // Needs a database where this admin is the only one; a users:manage key does the locking (an admin cannot lock themselves).
        await using var factory = await console.CreateFreshAsync();
        var email = InvitationTests.NewEmail();
        var adminId = await factory.CreateUserAsync(email, Roles.Admin);
        var (key, _) = await factory.KeyClientAsync(Permissions.UsersManage);

        var refused = await key.PostAsync($"/api/v1/users/{adminId}/lock", null, Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors("id"), m => m.Contains("last admin", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, await CountAuditAsync(factory, "user.locked", adminId));
        var attempt = await factory.CreateBrowserClient().SignInAsync(email, ConsoleClients.Password);
        Assert.DoesNotContain("Lockout", attempt.Headers.Location!.ToString());

        await factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Admin);
        await (await key.PostAsync($"/api/v1/users/{adminId}/lock", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, await CountAuditAsync(factory, "user.locked", adminId));
    }

    [Fact]
    public async Task ALockedAdminDoesNotCountAsAnotherAdmin()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var me = (await admin.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!;
        var otherId = await factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Admin);
        await (await admin.PostAsync($"/api/v1/users/{otherId}/lock", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);

        // The other admin cannot sign in, so this one is the last who can: no demotion, and no lock by a key either.
        var demote = await admin.PutAsJsonAsync($"/api/v1/users/{me.Id}/roles", new SetRolesRequest([Roles.Developer]), Ct);
        Assert.Contains((await demote.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("roles"),
            m => m.Contains("last admin", StringComparison.OrdinalIgnoreCase));
        var (key, _) = await factory.KeyClientAsync(Permissions.UsersManage);
        await (await key.PostAsync($"/api/v1/users/{me.Id}/lock", null, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountAuditAsync(factory, "user.roles_changed", me.Id));

        await (await admin.PostAsync($"/api/v1/users/{otherId}/unlock", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await (await admin.PutAsJsonAsync($"/api/v1/users/{me.Id}/roles", new SetRolesRequest([Roles.Developer]), Ct))
            .AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ALockedUserCannotSignInUntilUnlockedAndBothAreAudited()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var email = InvitationTests.NewEmail();
        var id = await Factory.CreateUserAsync(email, Roles.Developer);

        var locked = await admin.PostAsync($"/api/v1/users/{id}/lock", null, Ct);
        await locked.AssertStatusAsync(HttpStatusCode.OK);
        Assert.True((await locked.Content.ReadFromJsonAsync<UserSummary>(Ct))!.LockedOut);

        var attempt = await Factory.CreateBrowserClient().SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, attempt.StatusCode);
        Assert.Contains("Account/Lockout", attempt.Headers.Location!.ToString());

        var unlocked = await admin.PostAsync($"/api/v1/users/{id}/unlock", null, Ct);
        await unlocked.AssertStatusAsync(HttpStatusCode.OK);
        Assert.False((await unlocked.Content.ReadFromJsonAsync<UserSummary>(Ct))!.LockedOut);
        var me = await (await SignInAsync(email)).GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct);
        Assert.Equal(email, me!.Email);

        Assert.Equal(1, await CountAuditAsync("user.locked", id));
        Assert.Equal(1, await CountAuditAsync("user.unlocked", id));
    }

    [Fact]
    public async Task AnAdminCannotLockThemselvesOut()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var me = (await admin.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!;
        var response = await admin.PostAsync($"/api/v1/users/{me.Id}/lock", null, Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("id"));
        Assert.Equal(0, await CountAuditAsync("user.locked", me.Id));
    }

    [Fact]
    public async Task SomeoneWhoIsNotAnAdminCannotChangeRolesOrLockUsers()
    {
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var id = await Factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Developer);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await analyst.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Admin]), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync($"/api/v1/users/{id}/lock", null, Ct)).StatusCode);
        Assert.Equal(0, await CountAuditAsync("user.roles_changed", id));
    }

    [Fact]
    public async Task AnApiKeyWithTheUsersManageScopeCanChangeRolesAndTheAuditNamesTheKey()
    {
        // The key holds what the Approver role grants: a key grants no more than its scopes (ADR 0008).
        var (client, _) = await Factory.KeyClientAsync([Permissions.UsersManage, .. Roles.PermissionsOf(Roles.Approver)]);
        var id = await Factory.CreateUserAsync(InvitationTests.NewEmail(), Roles.Developer);
        var response = await client.PutAsJsonAsync($"/api/v1/users/{id}/roles", new SetRolesRequest([Roles.Approver]), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var entry = await SingleAuditAsync("user.roles_changed", id);
        Assert.Equal("key", entry.ActorType);
    }

    private async Task<HttpClient> SignInAsync(string email)
    {
        var client = Factory.CreateBrowserClient();
        var response = await client.SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("Lockout", response.Headers.Location!.ToString());
        client.DefaultRequestHeaders.Add("X-Console-Request", "1");
        return client;
    }

    private Task<int> CountAuditAsync(string action, string targetId) => CountAuditAsync(Factory, action, targetId);

    private static async Task<int> CountAuditAsync(ConsoleFactory factory, string action, string targetId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        return await db.AuditEntries.CountAsync(e => e.Action == action && e.TargetId == targetId, Ct);
    }

    private async Task<AuditEntry> SingleAuditAsync(string action, string targetId)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        return await db.AuditEntries.SingleAsync(e => e.Action == action && e.TargetId == targetId, Ct);
    }
}

public sealed class SqliteRoleAndLockTests(SqliteConsole console) : RoleAndLockTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresRoleAndLockTests(PostgresConsole console) : RoleAndLockTests(console), IClassFixture<PostgresConsole>;
