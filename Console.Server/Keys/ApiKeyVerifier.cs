using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Keys;

public sealed record KeyVerification(
    bool Valid,
    string? Reason,
    Guid KeyId,
    string? OwnerUserId,
    string? DisplayKey,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt)
{
    public static KeyVerification Denied(string reason) => new(false, reason, Guid.Empty, null, null, [], null);
}

public static class KeyReasons
{
    public const string Malformed = "malformed";
    public const string NotFound = "not_found";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
}

/// <summary>
/// Verifies an API key: shape and checksum first (no I/O), then the SHA-256 look-up.
/// </summary>
public sealed class ApiKeyVerifier(IServiceScopeFactory scopes, TimeProvider clock)
{
    public async Task<KeyVerification> VerifyAsync(string key, CancellationToken ct)
    {
        if (!KeyFormat.IsWellFormed(key))
        {
            return KeyVerification.Denied(KeyReasons.Malformed);
        }
        var hash = KeyFormat.Hash(key);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var found = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == hash, ct);
        if (found is null)
        {
            return KeyVerification.Denied(KeyReasons.NotFound);
        }
        var now = clock.GetUtcNow();
        if (found.RevokedAt is not null)
        {
            return KeyVerification.Denied(KeyReasons.Revoked);
        }
        if (found.ExpiresAt is { } expires && expires <= now)
        {
            return KeyVerification.Denied(KeyReasons.Expired);
        }
        return new KeyVerification(true, null, found.Id, found.OwnerUserId, found.DisplayKey, found.ScopeList, found.ExpiresAt);
    }
}
