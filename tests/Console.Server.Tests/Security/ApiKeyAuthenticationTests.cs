using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Security;

public abstract class ApiKeyAuthenticationTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ABearerKeyAuthenticatesAsItsOwnerWithExactlyItsScopes()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.KeysVerify, Permissions.EventsWrite);
        var response = await client.GetAsync("/api/v1/me", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var me = await response.Content.ReadFromJsonAsync<CurrentUser>(Ct);
        Assert.StartsWith("svc-", me!.Email);
        // The owner is a Developer, but a key carries only its scopes, not its owner's roles.
        Assert.Equal([Permissions.EventsWrite, Permissions.KeysVerify], me.Permissions);
        Assert.DoesNotContain(secret, Factory.Logs.All);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("sc_live_short")]
    [InlineData("sc_prod_0000000000000000000000000000000000000000000000000")]
    public async Task AMalformedKeyIsUnauthorized(string key)
    {
        var response = await CallMeAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AKeyWithAValidChecksumThatWasNeverIssuedIsUnauthorized()
    {
        var key = KeyFormat.Generate("production");
        var response = await CallMeAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(key, Factory.Logs.All);
    }

    [Fact]
    public async Task ARevokedKeyIsUnauthorizedAtOnce()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.KeysVerify);
        await (await client.GetAsync("/api/v1/me", Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await UpdateKeyAsync(secret, k => k.RevokedAt = DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.DoesNotContain(secret, Factory.Logs.All);
    }

    [Fact]
    public async Task AnExpiredKeyIsUnauthorized()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.KeysVerify);
        await UpdateKeyAsync(secret, k => k.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.DoesNotContain(secret, Factory.Logs.All);
    }

    [Fact]
    public async Task AKeyThatExpiresLaterStillWorks()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.KeysVerify);
        await UpdateKeyAsync(secret, k => k.ExpiresAt = DateTimeOffset.UtcNow.AddHours(1));
        await (await client.GetAsync("/api/v1/me", Ct)).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AKeyWithoutTheNeededScopeIsForbidden()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.KeysRead, Permissions.AuditRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await client.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest("x@example.test", [Roles.Admin]), Ct)).StatusCode);
        Assert.DoesNotContain(secret, Factory.Logs.All);
    }

    [Fact]
    public async Task AKeyWithTheUsersManageScopeMayListUsersWithoutTheBrowserHeader()
    {
        // keys:request too: inviting a Developer grants it, and a key grants no more than its scopes (ADR 0008).
        var (client, _) = await Factory.KeyClientAsync(Permissions.UsersManage, Permissions.KeysRequest);
        await (await client.GetAsync("/api/v1/users", Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var invite = await client.PostAsJsonAsync("/api/v1/users/invitations",
            new InviteUserRequest($"from-key-{Guid.NewGuid():N}@example.test", [Roles.Developer]), Ct);
        await invite.AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AKeyWithAnIpAllowListAuthenticatesOnlyFromInsideIt()
    {
        var (client, secret) = await Factory.KeyClientAsync(Permissions.KeysVerify);
        await UpdateKeyAsync(secret, k => k.IpAllowList = "10.99.0.0/16");
        client.DefaultRequestHeaders.Add(ConsoleFactory.ClientAddressHeader, "10.99.1.2");
        await (await client.GetAsync("/api/v1/me", Ct)).AssertStatusAsync(HttpStatusCode.OK);
        client.DefaultRequestHeaders.Remove(ConsoleFactory.ClientAddressHeader);
        client.DefaultRequestHeaders.Add(ConsoleFactory.ClientAddressHeader, "10.98.1.2");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task AWrongKeyIsNotRescuedByASignInCookie()
    {
        // A browser that also sends a bad key is judged by the key, never silently by its cookie.
        var browser = await Factory.SignedInClientAsync(Roles.Admin);
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KeyFormat.Generate("production"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    private Task<HttpResponseMessage> CallMeAsync(string key)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.GetAsync("/api/v1/me", Ct);
    }

    private async Task UpdateKeyAsync(string secret, Action<ApiKey> change)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var hash = KeyFormat.Hash(secret);
        var key = await db.ApiKeys.SingleAsync(k => k.Hash == hash, Ct);
        change(key);
        await db.SaveChangesAsync(Ct);
        // Verification is served from memory; a change made straight in the database is seen when the
        // console is told, as its own revoke and rotate do (or after KeyCache.PositiveLifetime).
        await Factory.Services.GetRequiredService<IKeyInvalidation>().InvalidateAsync(hash, Ct);
    }
}

public sealed class SqliteApiKeyAuthenticationTests(SqliteConsole console) : ApiKeyAuthenticationTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresApiKeyAuthenticationTests(PostgresConsole console) : ApiKeyAuthenticationTests(console), IClassFixture<PostgresConsole>;
