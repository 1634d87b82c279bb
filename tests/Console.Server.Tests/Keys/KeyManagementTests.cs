using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

public abstract class KeyManagementTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnOwnerSeesOwnKeysAndAKeyReaderSeesEveryoneAndNeitherSeesASecret()
    {
        var (alice, alicesKey) = await Factory.IssuedKeyAsync();
        var (bob, bobsKey) = await Factory.IssuedKeyAsync();

        var alicesList = await alice.GetFromJsonAsync<KeyPage>("/api/v1/keys", Ct);
        var mine = Assert.Single(alicesList!.Items);
        Assert.Equal(1, alicesList.Total);
        Assert.Equal(alicesKey.Id, mine.Id);
        Assert.Equal(KeyStatuses.Active, mine.Status);
        Assert.Equal([Permissions.KeysVerify], mine.Scopes);
        Assert.Equal(0, mine.AgeDays);
        Assert.StartsWith("sc_dev_", mine.DisplayKey);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/api/v1/keys/{bobsKey.Id}", Ct)).StatusCode);

        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var all = await auditor.GetStringAsync("/api/v1/keys?pageSize=100", Ct);
        Assert.Contains(alicesKey.Id.ToString(), all, StringComparison.Ordinal);
        Assert.Contains(bobsKey.Id.ToString(), all, StringComparison.Ordinal);
        Assert.DoesNotContain(alicesKey.Secret, all, StringComparison.Ordinal);
        var revokedOnly = await auditor.GetFromJsonAsync<KeyPage>("/api/v1/keys?status=revoked", Ct);
        Assert.All(revokedOnly!.Items, k => Assert.Equal(KeyStatuses.Revoked, k.Status));
        await (await auditor.GetAsync("/api/v1/keys?status=broken", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        _ = bob;
    }

    [Fact]
    public async Task RevokingMakesVerifyAnswerRevokedAtOnceEvenAfterACachedSuccess()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid); // now served from the cache

        var revoke = await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("Leaked in a CI log"), Ct);
        await revoke.AssertStatusAsync(HttpStatusCode.OK);
        var summary = await revoke.Content.ReadFromJsonAsync<ApiKeySummary>(Ct);
        Assert.Equal(KeyStatuses.Revoked, summary!.Status);

        var after = await verifier.VerifyAsync(key.Secret);
        Assert.False(after.Valid);
        Assert.Equal(KeyVerifyReasons.Revoked, after.Reason);
        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("again"), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task OnlyTheOwnerOrKeysWriteMayRevoke()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var stranger = await Factory.SignedInClientAsync(Roles.Developer);
        var body = new RevokeKeyRequest("not mine");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", body, Ct)).StatusCode);
        var reader = await Factory.SignedInClientAsync(Roles.Auditor);
        await (await reader.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", body, Ct)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        await (await admin.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("Owner left"), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var empty = await admin.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new { reason = "" }, Ct);
        Assert.NotEmpty((await empty.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("reason"));
    }

    [Fact]
    public async Task RotatingIssuesASuccessorToPickUpOnceAndKeepsTheOldKeyForTheGracePeriod()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        var before = DateTimeOffset.UtcNow;
        var response = await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/rotate", new RotateKeyRequest(null), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var rotated = (await response.Content.ReadFromJsonAsync<KeyRotated>(Ct))!;
        Assert.Null(rotated.Secret);
        Assert.InRange(rotated.PreviousKeyExpiresAt, before.AddHours(24).AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(24).AddMinutes(1));

        var successor = await owner.PostAsync($"/api/v1/keys/{rotated.SuccessorId}/pickup", null, Ct);
        await successor.AssertStatusAsync(HttpStatusCode.OK);
        var secret = (await successor.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret;
        await (await owner.PostAsync($"/api/v1/keys/{rotated.SuccessorId}/pickup", null, Ct)).AssertProblemAsync(HttpStatusCode.Gone);

        var verifier = await Factory.VerifierAsync();
        var old = await verifier.VerifyAsync(key.Secret);
        Assert.True(old.Valid);
        // PostgreSQL keeps microseconds, .NET ticks: equal to the microsecond.
        Assert.InRange(old.ExpiresAt!.Value, rotated.PreviousKeyExpiresAt.AddTicks(-10), rotated.PreviousKeyExpiresAt.AddTicks(10));
        Assert.True((await verifier.VerifyAsync(secret)).Valid);
        var list = (await owner.GetFromJsonAsync<KeyPage>("/api/v1/keys", Ct))!.Items;
        Assert.Equal(KeyStatuses.PendingRotation, list.Single(k => k.Id == key.Id).Status);
        Assert.Equal(key.Id, list.Single(k => k.Id == rotated.SuccessorId).PredecessorId);
        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/rotate", new RotateKeyRequest(1), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RotatingWithNoGraceStopsTheOldKeyAtOnce()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/rotate", new RotateKeyRequest(0), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(KeyVerifyReasons.Expired, (await verifier.VerifyAsync(key.Secret)).Reason);
        var tooLong = await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/rotate", new RotateKeyRequest(169), Ct);
        Assert.NotEmpty((await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("graceHours"));
    }

    [Fact]
    public async Task AKeyRotatesItselfAndReceivesTheSuccessorsSecretOnce()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.EventsWrite);
        var response = await client.PostAsJsonAsync("/api/v1/keys/self/rotate", new RotateKeyRequest(2), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var rotated = (await response.Content.ReadFromJsonAsync<KeyRotated>(Ct))!;
        Assert.NotNull(rotated.Secret);
        Assert.NotEqual(secret, rotated.Secret);

        var verifier = await Factory.VerifierAsync();
        var successor = await verifier.VerifyAsync(rotated.Secret!, Permissions.EventsWrite);
        Assert.True(successor.Valid);
        Assert.True((await verifier.VerifyAsync(secret)).Valid);
        // The successor was handed over in the response: nothing waits for pick-up, and the old key cannot rotate twice.
        var again = await client.PostAsJsonAsync("/api/v1/keys/self/rotate", new RotateKeyRequest(null), Ct);
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.DoesNotContain(rotated.Secret!, Factory.Logs.All);
        Assert.DoesNotContain(rotated.Secret!, await Factory.AuditDataAsync());
    }

    [Fact]
    public async Task ALeakedKeyReportedByAScannerIsRevokedAtOnce()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);

        var report = await LeakAsync(verifier, key.Secret);
        Assert.Equal(new KeyLeakResult(true, "revoked", key.Id), report);
        Assert.Equal(KeyVerifyReasons.Revoked, (await verifier.VerifyAsync(key.Secret)).Reason);
        Assert.Equal(new KeyLeakResult(false, "already_revoked", key.Id), await LeakAsync(verifier, key.Secret));
        Assert.Equal("not_found", (await LeakAsync(verifier, KeyFormat.Generate(KeyEnvironments.Production))).Outcome);
        Assert.Equal("malformed", (await LeakAsync(verifier, key.Secret[..^1] + "!")).Outcome);
        Assert.DoesNotContain(key.Secret, await Factory.AuditDataAsync());
        Assert.DoesNotContain(key.Secret, Factory.Logs.All);
    }

    private static async Task<KeyLeakResult> LeakAsync(HttpClient scanner, string key)
    {
        var response = await scanner.PostAsJsonAsync("/api/v1/keys/leaked", new KeyLeakReport(key, "https://example.test/gist/1"), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<KeyLeakResult>(Ct))!;
    }

    [Fact]
    public async Task TheRotationPolicyGivesAnOverAgeKeyASuccessorToPickUpAndLeavesTheOldOneWorking()
    {
        var (owner, staging) = await Factory.IssuedKeyAsync(NewRequest(KeyEnvironments.Staging) with { LifetimeDays = 365 });
        var (_, development) = await Factory.IssuedKeyAsync(NewRequest(KeyEnvironments.Development) with { LifetimeDays = 365 });
        await RunRotationPolicyAsync(DateTimeOffset.UtcNow.AddDays(179));
        Assert.Null((await owner.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{staging.Id}", Ct))!.SuccessorId);

        Assert.True(await RunRotationPolicyAsync(DateTimeOffset.UtcNow.AddDays(181)) >= 1);
        var old = (await owner.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{staging.Id}", Ct))!;
        Assert.Equal(KeyStatuses.PendingRotation, old.Status);
        var successorId = old.SuccessorId!.Value;
        var pickUp = await owner.PostAsync($"/api/v1/keys/{successorId}/pickup", null, Ct);
        await pickUp.AssertStatusAsync(HttpStatusCode.OK);
        var successor = (await pickUp.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!;

        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(staging.Secret)).Valid);
        Assert.True((await verifier.VerifyAsync(successor.Secret)).Valid);
        // Run again: the key already has its successor; development keys have no maximum age.
        await RunRotationPolicyAsync(DateTimeOffset.UtcNow.AddDays(364));
        Assert.Equal(successorId, (await owner.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{staging.Id}", Ct))!.SuccessorId);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.Null((await admin.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{development.Id}", Ct))!.SuccessorId);
    }

    private async Task<int> RunRotationPolicyAsync(DateTimeOffset asOf)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<KeyRotationPolicyJob>().RunAsync(asOf, Ct);
    }

    [Fact]
    public async Task ADisabledKeyIsRefusedAsDisabledUntilItIsEnabledAgain()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);

        var stranger = await Factory.SignedInClientAsync(Roles.Developer);
        await (await stranger.PostAsJsonAsync($"/api/v1/keys/{key.Id}/disable", new DisableKeyRequest("no"), Ct)).AssertStatusAsync(HttpStatusCode.NotFound);
        var missingReason = await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/disable", new DisableKeyRequest(""), Ct);
        Assert.NotEmpty((await missingReason.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("reason"));

        var disabled = await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/disable", new DisableKeyRequest("Partner paused"), Ct);
        await disabled.AssertStatusAsync(HttpStatusCode.OK);
        var summary = (await disabled.Content.ReadFromJsonAsync<ApiKeySummary>(Ct))!;
        Assert.Equal(KeyStatuses.Disabled, summary.Status);
        Assert.Equal("Partner paused", summary.DisabledReason);
        Assert.Equal(KeyVerifyReasons.Disabled, (await verifier.VerifyAsync(key.Secret)).Reason);
        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/disable", new DisableKeyRequest("again"), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);

        await (await owner.PostAsync($"/api/v1/keys/{key.Id}/enable", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        var actions = await Factory.AuditDataAsync();
        Assert.DoesNotContain(key.Secret, actions);
    }

    [Fact]
    public async Task SelfRotationNeedsAKey()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        await (await developer.PostAsJsonAsync("/api/v1/keys/self/rotate", new RotateKeyRequest(null), Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        var anonymous = Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/keys/self/rotate", new RotateKeyRequest(null), Ct)).StatusCode);
    }
}

public sealed class SqliteKeyManagementTests(SqliteConsole console) : KeyManagementTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresKeyManagementTests(PostgresConsole console) : KeyManagementTests(console), IClassFixture<PostgresConsole>;
