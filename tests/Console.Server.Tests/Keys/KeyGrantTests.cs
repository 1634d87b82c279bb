using System.Net;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>
/// Nobody is granted through a key request what they could not hold, nobody approves what they do not hold,
/// and users:manage or the key policy need an admin signed in with two-factor (issue 10, finding 2).
/// </summary>
public abstract class KeyGrantTests(SharedConsole console)
{
    private const string Policy = "/api/v1/keys/policy";

    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ADeveloperCannotBecomeAnAdminThroughOneApproval()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var me = (await developer.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!;
        var response = await developer.PostAsJsonAsync(Requests, NewRequest(KeyEnvironments.Production, [Permissions.UsersManage]), Ct);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            // The escalation as reported: an approver without users:manage approves, the developer collects and promotes themselves.
            var request = (await response.Content.ReadFromJsonAsync<KeyRequestSummary>(Ct))!;
            var approver = await Factory.SignedInClientAsync(Roles.Approver);
            await approver.DecideAsync(request.Id, approve: true);
            var pickup = await developer.PickUpAsync(request.Id);
            if (pickup.IsSuccessStatusCode)
            {
                var secret = (await pickup.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret;
                var promoted = await Factory.BearerClient(secret).PutAsJsonAsync($"/api/v1/users/{me.Id}/roles", new SetRolesRequest([Roles.Admin]), Ct);
                Assert.Fail($"A developer's users:manage key was approved and collected; making its owner an admin answered {(int)promoted.StatusCode}.");
            }
        }
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(Permissions.UsersManage, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty((await developer.GetFromJsonAsync<List<KeyRequestSummary>>(Requests, Ct))!);
    }

    [Fact]
    public async Task APersonMayRequestTheirOwnPermissionsAndTheServiceScopesOnly()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        Assert.Equal(KeyRequestStatuses.Approved,
            (await developer.RequestAsync(NewRequest(KeyEnvironments.Development, [Permissions.KeysVerify, Permissions.EventsWrite]))).Status);
        var refused = await developer.PostAsJsonAsync(Requests, NewRequest(KeyEnvironments.Development, [Permissions.KeysVerify, Permissions.AlertsRead]), Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(Permissions.AlertsRead, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        Assert.Equal(KeyRequestStatuses.Pending, (await analyst.RequestAsync(NewRequest(KeyEnvironments.Production, [Permissions.AlertsRead]))).Status);
    }

    [Fact]
    public async Task AnApproverCannotApproveScopesTheyDoNotHoldButAnAdminCan()
    {
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var request = await analyst.RequestAsync(NewRequest(KeyEnvironments.Production, [Permissions.AuditRead]));
        Assert.Equal(KeyRequestStatuses.Pending, request.Status);

        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        var refused = await approver.DecideAsync(request.Id, approve: true);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(Permissions.AuditRead, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(KeyRequestStatuses.Pending, (await analyst.GetFromJsonAsync<KeyRequestSummary>($"{Requests}/{request.Id}", Ct))!.Status);
        // Rejecting grants nothing, so any approver may.
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        await (await admin.DecideAsync(request.Id, approve: true)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GrantingUsersManageNeedsAnAdminSignedInWithTwoFactorNeverAKey()
    {
        var requester = await Factory.SignedInClientAsync(Roles.Admin);
        var request = await requester.RequestAsync(NewRequest(KeyEnvironments.Production, [Permissions.UsersManage]));
        Assert.Equal(KeyRequestStatuses.Pending, request.Status);

        var withoutTwoFactor = await Factory.SignedInClientAsync(Roles.Admin);
        var refused = await withoutTwoFactor.DecideAsync(request.Id, approve: true);
        Assert.Contains("two-factor", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);
        var (key, _) = await Factory.KeyClientAsync(Permissions.KeysApprove, Permissions.UsersManage);
        await (await key.DecideAsync(request.Id, approve: true)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var admin = await Factory.SignedInWithTwoFactorAsync(Roles.Admin);
        await (await admin.DecideAsync(request.Id, approve: true)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NoPolicyApprovesUsersManageWithoutAnAdmin()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInWithTwoFactorAsync(Roles.Admin);
        var policy = (await admin.GetFromJsonAsync<KeyPolicy>(Policy, Ct))!;
        var everythingAtOnce = policy with { Environments = [.. policy.Environments.Select(e => e with { AutoApproveUpTo = ScopeRisk.High })] };
        await (await admin.PutAsJsonAsync(Policy, everythingAtOnce, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        string[] wanted = [Permissions.UsersManage, Permissions.KeysWrite, Permissions.AuditRead];

        // The reported path: a keys:request key asks for far more than it holds.
        var (narrow, _) = await factory.KeyClientAsync(Permissions.KeysRequest);
        await (await narrow.PostAsJsonAsync(Requests, NewRequest(KeyEnvironments.Production, wanted), Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);

        // Even a caller who holds all of it waits for an admin when users:manage is among the scopes.
        var (holder, _) = await factory.KeyClientAsync([Permissions.KeysRequest, .. wanted]);
        var request = await holder.RequestAsync(NewRequest(KeyEnvironments.Production, wanted));
        Assert.Equal(KeyRequestStatuses.Pending, request.Status);
        Assert.False(request.AutoApproved);
        Assert.Equal(KeyRequestStatuses.Approved,
            (await holder.RequestAsync(NewRequest(KeyEnvironments.Production, [Permissions.KeysWrite, Permissions.AuditRead]))).Status);
    }

    [Fact]
    public async Task AKeyCannotChangeTheKeyPolicyEvenWithKeysWrite()
    {
        var (key, _) = await Factory.KeyClientAsync(Permissions.KeysWrite);
        var before = await key.GetStringAsync(Policy, Ct);
        var policy = (await key.GetFromJsonAsync<KeyPolicy>(Policy, Ct))!;
        var raised = policy with { Environments = [.. policy.Environments.Select(e => e with { AutoApproveUpTo = ScopeRisk.High })] };
        var response = await key.PutAsJsonAsync(Policy, raised, Ct);
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(before, await key.GetStringAsync(Policy, Ct));
    }

    [Fact]
    public async Task ChangingTheKeyPolicyNeedsAnAdminSignedInWithTwoFactor()
    {
        var withoutTwoFactor = await Factory.SignedInClientAsync(Roles.Admin);
        var policy = (await withoutTwoFactor.GetFromJsonAsync<KeyPolicy>(Policy, Ct))!;
        var refused = await withoutTwoFactor.PutAsJsonAsync(Policy, policy, Ct);
        Assert.Contains("two-factor", (await refused.AssertProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString(),
            StringComparison.Ordinal);

        // Saving the same policy again changes nothing other tests of this console depend on.
        var admin = await Factory.SignedInWithTwoFactorAsync(Roles.Admin);
        await (await admin.PutAsJsonAsync(Policy, policy, Ct)).AssertStatusAsync(HttpStatusCode.OK);
    }
}

public sealed class SqliteKeyGrantTests(SqliteConsole console) : KeyGrantTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresKeyGrantTests(PostgresConsole console) : KeyGrantTests(console), IClassFixture<PostgresConsole>;
