using System.Net;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

public sealed record KeyVerification(
    bool Valid,
    string? Reason,
    KeyRecord? Key,
    int? RateLimitRemaining = null,
    int? RetryAfterSeconds = null)
{
    public Guid KeyId => Key?.Id ?? Guid.Empty;
    public string? OwnerUserId => Key?.OwnerUserId;
    public string? DisplayKey => Key?.DisplayKey;
    public IReadOnlyList<string> Scopes => Key?.Scopes ?? [];
    public DateTimeOffset? ExpiresAt => Key?.ExpiresAt;

    public static KeyVerification Denied(string reason, KeyRecord? key = null) => new(false, reason, key);
}

/// <summary>What a verification checks beyond the key itself.</summary>
public sealed record VerifyOptions(string? RequiredScope = null, IPAddress? ClientIp = null, bool CheckClientIp = true, bool CountAgainstRateLimit = true);

/// <summary>
/// Verifies an API key: shape and checksum first (no I/O), then the record by SHA-256 from
/// <see cref="KeyCache"/>, reading the database only on a miss. If the database cannot be read, a
/// stale cached record still answers and any other key is denied as <see cref="KeyVerifyReasons.Unavailable"/>:
/// fail closed, without calling it unknown (which would count towards brute-force rules).
/// </summary>
public sealed class ApiKeyVerifier(
    IServiceScopeFactory scopes, KeyCache cache, IKeyRateLimit limiter, KeyUsageRecorder usage, TimeProvider clock, ILogger<ApiKeyVerifier> logger,
    ConsoleSecurityEvents events)
{
    /// <summary>Every answer is also a security event (queued, never awaited): refusals always, uses once an hour per network.</summary>
    public async ValueTask<KeyVerification> VerifyAsync(string key, VerifyOptions options, CancellationToken ct)
    {
        var result = await CheckAsync(key, options, ct);
        if (result.Valid)
        {
            if (result.Key is { } used)
            {
                events.KeyUsed(used.Id, used.DisplayKey, options.ClientIp);
            }
        }
        else if (result.Reason != KeyVerifyReasons.Unavailable)
        {
            // Unavailable says nothing about the key: not a refusal for the rules to count (and nowhere to store it now).
            var reason = result.Reason ?? "unknown";
            var shown = result.Key is { } known ? known.DisplayKey
                : reason == KeyVerifyReasons.NotFound ? KeyFormat.DisplayPrefix(key) : null;
            events.KeyRefused(reason, reason == KeyVerifyReasons.RateLimited, shown, options.ClientIp);
        }
        return result;
    }

    private async ValueTask<KeyVerification> CheckAsync(string key, VerifyOptions options, CancellationToken ct)
    {
        if (!KeyFormat.IsWellFormed(key))
        {
            return KeyVerification.Denied(KeyVerifyReasons.Malformed);
        }
        var (record, unavailable) = await FindAsync(KeyHash.Of(key), ct);
        if (unavailable)
        {
            return new KeyVerification(false, KeyVerifyReasons.Unavailable, null, RetryAfterSeconds: DatabaseFaults.RetryAfterSeconds);
        }
        if (record is null)
        {
            return KeyVerification.Denied(KeyVerifyReasons.NotFound);
        }
        if (record.RevokedAt is not null)
        {
            return KeyVerification.Denied(KeyVerifyReasons.Revoked, record);
        }
        if (record.ExpiresAt is { } expires && expires <= clock.GetUtcNow())
        {
            return KeyVerification.Denied(KeyVerifyReasons.Expired, record);
        }
        if (record.Disabled)
        {
            return KeyVerification.Denied(KeyVerifyReasons.Disabled, record);
        }
        if (options.CheckClientIp && record.RestrictsIp &&
            (options.ClientIp is not { } ip || !record.AllowedNetworks.Any(n => n.Contains(Normalise(ip)))))
        {
            return KeyVerification.Denied(KeyVerifyReasons.IpNotAllowed, record);
        }
        if (options.RequiredScope is { } scope && !record.Scopes.Contains(scope, StringComparer.Ordinal))
        {
            return KeyVerification.Denied(KeyVerifyReasons.InsufficientScope, record);
        }
        int? remaining = null;
        if (record.RateLimitPerMinute is { } perMinute && options.CountAgainstRateLimit)
        {
            var decision = await limiter.TakeAsync(record.Id, perMinute);
            if (!decision.Allowed)
            {
                return new KeyVerification(false, KeyVerifyReasons.RateLimited, record, 0, decision.RetryAfterSeconds);
            }
            remaining = decision.Remaining;
        }
        usage.Record(record.Id, options.ClientIp?.ToString());
        return new KeyVerification(true, null, record, remaining);
    }

    private async ValueTask<(KeyRecord? Record, bool Unavailable)> FindAsync(KeyHash hash, CancellationToken ct)
    {
        if (cache.TryGet(hash, out var cached, out var stale) && !stale)
        {
            return (cached, false);
        }
        var generation = cache.Generation;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var sha256 = hash.ToArray();
            var found = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Hash == sha256, ct);
            var record = found is null ? null : KeyRecord.From(found);
            cache.Set(hash, record, generation);
            return (record, false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The key is not in the message: only that the database could not answer.
            logger.LogWarning(ex, "Key look-up failed; answering from {Source}", stale ? "a stale cache entry" : "nothing (denied as unavailable)");
            return stale ? (cached, false) : (null, true);
        }
    }

    private static IPAddress Normalise(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
}
