using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>The key lifecycle as a client drives it through the HTTP API.</summary>
internal static class KeyTestKit
{
    public const string Requests = "/api/v1/key-requests";

    public static KeyRequestCreate NewRequest(
        string environment = KeyEnvironments.Development, string[]? scopes = null, int? rateLimit = null, string[]? ips = null) =>
        new($"svc-{Guid.NewGuid():N}"[..16], environment, scopes ?? [Permissions.KeysVerify], 30, rateLimit, ips, "Payments service needs to verify keys");

    public static async Task<KeyRequestSummary> RequestAsync(this HttpClient client, KeyRequestCreate request)
    {
        var response = await client.PostAsJsonAsync(Requests, request, Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<KeyRequestSummary>(Ct))!;
    }

    public static Task<HttpResponseMessage> DecideAsync(this HttpClient client, Guid requestId, bool approve, string comment = "Looks right") =>
        client.PostAsJsonAsync($"{Requests}/{requestId}/{(approve ? "approve" : "reject")}", new KeyRequestDecision(comment), Ct);

    public static Task<HttpResponseMessage> PickUpAsync(this HttpClient client, Guid requestId) =>
        client.PostAsync($"{Requests}/{requestId}/pickup", null, Ct);

    public static async Task<ApiKeyIssued> PickUpOkAsync(this HttpClient client, Guid requestId)
    {
        var response = await client.PickUpAsync(requestId);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!;
    }

    /// <summary>A key issued through request and pick-up (auto-approved: development, low-risk scope).</summary>
    public static async Task<(BrowserClient Owner, ApiKeyIssued Key)> IssuedKeyAsync(this ConsoleFactory factory, KeyRequestCreate? request = null)
    {
        var owner = await factory.SignedInClientAsync(Roles.Developer);
        var created = await owner.RequestAsync(request ?? NewRequest());
        Assert.Equal(KeyRequestStatuses.Approved, created.Status);
        return (owner, await owner.PickUpOkAsync(created.Id));
    }

    public static async Task<KeyVerifyResult> VerifyAsync(this HttpClient verifier, string key, string? scope = null, string? ip = null)
    {
        var response = await verifier.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(key, scope, ip), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<KeyVerifyResult>(Ct))!;
    }

    public static async Task<HttpClient> VerifierAsync(this ConsoleFactory factory) => (await factory.KeyClientAsync(Permissions.KeysVerify)).Client;

    /// <summary>Every audit entry's chained (clear) data, to search for secrets.</summary>
    public static async Task<string> AuditDataAsync(this ConsoleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var rows = await db.AuditEntries.AsNoTracking().Select(e => e.Data + " " + e.Personal + " " + e.TargetId).ToListAsync(Ct);
        return string.Join('\n', rows);
    }
}
