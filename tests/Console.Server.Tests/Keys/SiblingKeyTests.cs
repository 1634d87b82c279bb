using System.Net;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>
/// A key acts for its owner, but only within its own scopes: it never obtains a secret, nor causes a key to exist,
/// with scopes beyond its own (issue 10, finding 1). The siblings here are keys of one owner.
/// </summary>
public abstract class SiblingKeyTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ANarrowKeyCannotRotateASiblingKeyWithWiderScopesSoItNeverOpensTheUsersList()
    {
        var owner = await Factory.CreateUserAsync(NewEmail(), Roles.Developer);
        var (narrow, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest);
        var (_, wide) = await Factory.KeyOfAsync(owner, Permissions.UsersManage);

        var rotate = await narrow.PostAsJsonAsync($"/api/v1/keys/{wide.Id}/rotate", new RotateKeyRequest(24), Ct);
        if (rotate.IsSuccessStatusCode)
        {
            // The attack as reported: collect the successor and use it.
            var rotated = (await rotate.Content.ReadFromJsonAsync<KeyRotated>(Ct))!;
            var pickup = await narrow.PostAsync($"/api/v1/keys/{rotated.SuccessorId}/pickup", null, Ct);
            if (pickup.IsSuccessStatusCode)
            {
                var secret = (await pickup.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret;
                var users = await Factory.BearerClient(secret).GetAsync("/api/v1/users", Ct);
                Assert.Fail($"A keys:request key rotated a users:manage sibling and its successor opened /users with {(int)users.StatusCode}.");
            }
        }
        var problem = await rotate.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("beyond", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (reader, _) = await Factory.KeyClientAsync(Permissions.KeysRead);
        var after = (await reader.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{wide.Id}", Ct))!;
        Assert.Null(after.SuccessorId);
        Assert.Equal(KeyStatuses.Active, after.Status);
    }

    [Fact]
    public async Task ANarrowKeyCannotPickUpASecretWaitingForASiblingWithWiderScopesButTheWideKeyCan()
    {
        var owner = await Factory.CreateUserAsync(NewEmail(), Roles.Developer);
        var (narrow, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRead);
        var (wideClient, wide) = await Factory.KeyOfAsync(owner, Permissions.KeysRead, Permissions.AuditRead);

        // The wide key rotates itself by id: its successor waits for pick-up by the owner.
        var rotate = await wideClient.PostAsJsonAsync($"/api/v1/keys/{wide.Id}/rotate", new RotateKeyRequest(24), Ct);
        await rotate.AssertStatusAsync(HttpStatusCode.OK);
        var successor = (await rotate.Content.ReadFromJsonAsync<KeyRotated>(Ct))!.SuccessorId;

        var stolen = await narrow.PostAsync($"/api/v1/keys/{successor}/pickup", null, Ct);
        await stolen.AssertProblemAsync(HttpStatusCode.Forbidden);

        var collected = await wideClient.PostAsync($"/api/v1/keys/{successor}/pickup", null, Ct);
        await collected.AssertStatusAsync(HttpStatusCode.OK);
        var secret = (await collected.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret;
        await (await Factory.BearerClient(secret).GetAsync("/api/v1/audit/chain", Ct)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AKeyCannotCollectARequestedKeyWithScopesBeyondItsOwnButItsOwnerCan()
    {
        var email = NewEmail();
        var owner = await Factory.CreateUserAsync(email, Roles.Developer);
        var person = await Factory.SignedInAsAsync(email);
        var request = await person.RequestAsync(NewRequest(KeyEnvironments.Development, [Permissions.KeysVerify, Permissions.EventsWrite]));
        Assert.Equal(KeyRequestStatuses.Approved, request.Status);

        var (sibling, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest, Permissions.KeysVerify);
        await (await sibling.PickUpAsync(request.Id)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await sibling.PostAsync($"/api/v1/keys/{request.KeyId}/pickup", null, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var issued = await person.PickUpOkAsync(request.Id);
        Assert.Equal(request.KeyId, issued.Id);
    }

    [Fact]
    public async Task ANarrowKeyCannotRevokeDisableOrEnableASiblingKeyWithWiderScopes()
    {
        var owner = await Factory.CreateUserAsync(NewEmail(), Roles.Developer);
        var (narrow, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest);
        var (wideClient, wide) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest, Permissions.AuditRead);

        await (await narrow.PostAsJsonAsync($"/api/v1/keys/{wide.Id}/disable", new DisableKeyRequest("not yours"), Ct))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await narrow.PostAsJsonAsync($"/api/v1/keys/{wide.Id}/revoke", new RevokeKeyRequest("not yours"), Ct))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await wideClient.PostAsJsonAsync($"/api/v1/keys/{wide.Id}/disable", new DisableKeyRequest("pausing myself"), Ct))
            .AssertStatusAsync(HttpStatusCode.OK);
        await (await narrow.PostAsync($"/api/v1/keys/{wide.Id}/enable", null, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var (reader, _) = await Factory.KeyClientAsync(Permissions.KeysRead);
        var after = (await reader.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{wide.Id}", Ct))!;
        Assert.Equal(KeyStatuses.Disabled, after.Status);
    }

    [Fact]
    public async Task AKeyMayRotateItselfAndManageSiblingsWithinItsOwnScopes()
    {
        var owner = await Factory.CreateUserAsync(NewEmail(), Roles.Developer);
        var (wideClient, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest, Permissions.KeysVerify);
        var (narrowClient, narrow) = await Factory.KeyOfAsync(owner, Permissions.KeysVerify);

        var rotate = await wideClient.PostAsJsonAsync($"/api/v1/keys/{narrow.Id}/rotate", new RotateKeyRequest(1), Ct);
        await rotate.AssertStatusAsync(HttpStatusCode.OK);
        var successor = (await rotate.Content.ReadFromJsonAsync<KeyRotated>(Ct))!.SuccessorId;
        await (await wideClient.PostAsync($"/api/v1/keys/{successor}/pickup", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);

        var (selfClient, _) = await Factory.KeyOfAsync(owner, Permissions.KeysVerify);
        var self = await selfClient.PostAsJsonAsync("/api/v1/keys/self/rotate", new RotateKeyRequest(1), Ct);
        await self.AssertStatusAsync(HttpStatusCode.OK);
        Assert.NotNull((await self.Content.ReadFromJsonAsync<KeyRotated>(Ct))!.Secret);
        _ = narrowClient;
    }

    [Fact]
    public async Task AKeyCannotRequestAKeyWithScopesBeyondItsOwn()
    {
        var owner = await Factory.CreateUserAsync(NewEmail(), Roles.Developer);
        var (requestOnly, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest);
        var refused = await requestOnly.PostAsJsonAsync(Requests, NewRequest(KeyEnvironments.Development, [Permissions.KeysVerify]), Ct);
        var problem = await refused.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains(Permissions.KeysVerify, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (verifier, _) = await Factory.KeyOfAsync(owner, Permissions.KeysRequest, Permissions.KeysVerify);
        var allowed = await verifier.RequestAsync(NewRequest(KeyEnvironments.Development, [Permissions.KeysVerify]));
        Assert.Equal(KeyRequestStatuses.Approved, allowed.Status);
    }

    private static string NewEmail() => $"sibling-owner-{Guid.NewGuid():N}@example.test";
}

public sealed class SqliteSiblingKeyTests(SqliteConsole console) : SiblingKeyTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresSiblingKeyTests(PostgresConsole console) : SiblingKeyTests(console), IClassFixture<PostgresConsole>;
