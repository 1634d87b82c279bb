using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>A live key (not revoked, not expired) as other features may read it: never its hash or secret.</summary>
public sealed record KeyFact(
    Guid Id, string DisplayKey, string Name, string? Service, string Environment, string OwnerUserId, IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, bool Disabled, int? RateLimitPerMinute,
    bool HasIpAllowList, bool SecretWaiting, Guid? RequestId, Guid? PredecessorId);

/// <summary>The request a key was issued for, as the approval check needs it.</summary>
public sealed record KeyRequestFact(Guid Id, string Status, string RequesterUserId, string? DecidedByUserId, bool AutoApproved);

/// <summary>The Keys feature's read door for other features (compliance checks).</summary>
public sealed class KeyComplianceFacts(ConsoleDbContext db, KeyPolicyStore policies, TimeProvider clock)
{
    public Task<KeyPolicy> PolicyAsync(CancellationToken ct) => policies.GetAsync(ct);

    public async Task<IReadOnlyList<KeyFact>> LiveAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = await db.ApiKeys.AsNoTracking()
            .Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now))
            .Select(k => new
            {
                k.Id, k.Prefix, k.LastFour, k.Name, k.Service, k.Environment, k.OwnerUserId, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt,
                Disabled = k.DisabledAt != null, k.RateLimitPerMinute, k.IpAllowList, Waiting = k.PendingSecret != null, k.RequestId, k.PredecessorId,
            })
            .ToListAsync(ct);
        return [.. rows.Select(k => new KeyFact(
            k.Id, $"{k.Prefix}…{k.LastFour}", k.Name, k.Service, k.Environment, k.OwnerUserId, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.Disabled, k.RateLimitPerMinute, !string.IsNullOrWhiteSpace(k.IpAllowList), k.Waiting, k.RequestId, k.PredecessorId))];
    }

    /// <summary>The requests with these ids.</summary>
    public async Task<IReadOnlyDictionary<Guid, KeyRequestFact>> RequestsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, KeyRequestFact>();
        foreach (var chunk in ids.Chunk(1000))
        {
            foreach (var r in await db.KeyRequests.AsNoTracking().Where(r => chunk.Contains(r.Id))
                .Select(r => new KeyRequestFact(r.Id, r.Status, r.RequesterUserId, r.DecidedByUserId, r.AutoApproved)).ToListAsync(ct))
            {
                found[r.Id] = r;
            }
        }
        return found;
    }

    /// <summary>The request a key traces to: its own, or its predecessor's when it was issued by rotation.</summary>
    public async Task<IReadOnlyDictionary<Guid, Guid?>> OriginsAsync(IReadOnlyCollection<Guid> keyIds, CancellationToken ct)
    {
        var all = await db.ApiKeys.AsNoTracking().Select(k => new { k.Id, k.RequestId, k.PredecessorId }).ToDictionaryAsync(k => k.Id, ct);
        var origins = new Dictionary<Guid, Guid?>();
        foreach (var id in keyIds)
        {
            Guid? current = id;
            var hops = 0;
            Guid? origin = null;
            while (current is { } c && all.TryGetValue(c, out var k) && hops++ < 1000)
            {
                if (k.RequestId is { } r)
                {
                    origin = r;
                    break;
                }
                current = k.PredecessorId;
            }
            origins[id] = origin;
        }
        return origins;
    }
}
