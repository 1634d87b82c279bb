using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>What a new key is for; the secret is made by the issuer. <see cref="At"/>: back-dated issue (demo data only).</summary>
public sealed record KeySpec(
    string OwnerUserId,
    string Name,
    string Environment,
    IReadOnlyList<string> Scopes,
    TimeSpan? Lifetime,
    string? Service,
    int? RateLimitPerMinute = null,
    IReadOnlyList<string>? IpAllowList = null,
    Guid? RequestId = null,
    Guid? PredecessorId = null,
    DateTimeOffset? At = null);

/// <summary>Creates keys. The secret leaves this class once, in the returned record, and is never stored.</summary>
public sealed class ApiKeyIssuer(ConsoleDbContext db, AuditTrail audit, TimeProvider clock)
{
    public async Task<ApiKeyIssued> IssueAsync(
        string ownerUserId, string name, string environment, IReadOnlyList<string> scopes, TimeSpan? lifetime, string? service, CancellationToken ct)
    {
        var (key, secret) = Add(new KeySpec(ownerUserId, name, environment, scopes, lifetime, service));
        await db.SaveChangesAsync(ct);
        return new ApiKeyIssued(key.Id, secret, key.DisplayKey, key.ExpiresAt);
    }

    /// <summary>
    /// Adds a key and its audit entry to the caller's unit of work without saving, so that issuing
    /// commits with the change that caused it (an approval, a rotation).
    /// </summary>
    public (ApiKey Key, string Secret) Add(KeySpec spec)
    {
        var secret = KeyFormat.Generate(spec.Environment);
        var now = spec.At ?? clock.GetUtcNow();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = spec.Name,
            Hash = KeyFormat.Hash(secret),
            Prefix = KeyFormat.DisplayPrefix(secret),
            LastFour = KeyFormat.LastFour(secret),
            Environment = spec.Environment,
            OwnerUserId = spec.OwnerUserId,
            Service = spec.Service,
            Scopes = string.Join(' ', spec.Scopes.Distinct()),
            CreatedAt = now,
            ExpiresAt = spec.Lifetime is { } l ? now + l : null,
            RateLimitPerMinute = spec.RateLimitPerMinute,
            IpAllowList = spec.IpAllowList is { Count: > 0 } ips ? string.Join(' ', ips.Distinct()) : null,
            RequestId = spec.RequestId,
            PredecessorId = spec.PredecessorId,
        };
        db.ApiKeys.Add(key);
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyIssued, "api_key", key.Id.ToString(),
            Data: new
            {
                key.Name, key = key.DisplayKey, key.Environment, key.Service, scopes = key.ScopeList, key.ExpiresAt, owner = spec.OwnerUserId,
                key.RateLimitPerMinute, ipAllowList = key.IpAllowListEntries, requestId = key.RequestId, predecessorId = key.PredecessorId,
            }), spec.At);
        return (key, secret);
    }
}
