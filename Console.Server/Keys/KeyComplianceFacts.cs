using System.Linq.Expressions;
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

    /// <summary>Every live key (an access review lists them all).</summary>
    public async Task<IReadOnlyList<KeyFact>> LiveAsync(CancellationToken ct) => Facts(await Rows(Live()).ToListAsync(ct));

    /// <summary>How many live keys match <paramref name="where"/>, counted in the database.</summary>
    public Task<int> CountLiveAsync(Expression<Func<ApiKey, bool>> where, CancellationToken ct) => Live().Where(where).CountAsync(ct);

    /// <summary>
    /// The first <paramref name="take"/> live keys matching <paramref name="where"/> by id, filtered in the database. By id, not
    /// by age: the primary key lets the database stop at <paramref name="take"/> instead of sorting every match.
    /// </summary>
    public async Task<IReadOnlyList<KeyFact>> LiveAsync(Expression<Func<ApiKey, bool>> where, int take, CancellationToken ct)
    {
        var ordered = Live().Where(where).OrderBy(k => k.Id);
        return Facts(await Rows(take == int.MaxValue ? ordered : ordered.Take(take)).ToListAsync(ct));
    }

    /// <summary>The environments of the live keys.</summary>
    public async Task<IReadOnlyList<string>> LiveEnvironmentsAsync(CancellationToken ct) => await Live().Select(k => k.Environment).Distinct().ToListAsync(ct);

    /// <summary>Keys whose owner's account exists and is not locked at <paramref name="now"/> (for a filter; joined in the database).</summary>
    public Expression<Func<ApiKey, bool>> OwnerCanSignIn(DateTimeOffset now) =>
        k => db.Users.Any(u => u.Id == k.OwnerUserId && (u.LockoutEnd == null || u.LockoutEnd <= now));

    /// <summary>Keys whose own request a person other than its requester approved.</summary>
    public Expression<Func<ApiKey, bool>> RequestApprovedByAnother() =>
        k => db.KeyRequests.Any(r => r.Id == k.RequestId && r.Status == KeyRequestStatuses.Approved && !r.AutoApproved
            && r.DecidedByUserId != null && r.DecidedByUserId != r.RequesterUserId);

    /// <summary>Keys whose own request was approved by its own requester.</summary>
    public Expression<Func<ApiKey, bool>> RequestApprovedByRequester() =>
        k => db.KeyRequests.Any(r => r.Id == k.RequestId && r.Status == KeyRequestStatuses.Approved && !r.AutoApproved
            && r.DecidedByUserId != null && r.DecidedByUserId == r.RequesterUserId);

    /// <summary>Keys whose own request exists but no person approved it (pending, refused, or approved by the policy).</summary>
    public Expression<Func<ApiKey, bool>> RequestNotApprovedByAPerson() =>
        k => db.KeyRequests.Any(r => r.Id == k.RequestId && !(r.Status == KeyRequestStatuses.Approved && !r.AutoApproved && r.DecidedByUserId != null));

    /// <summary>Keys that name a request that does not exist.</summary>
    public Expression<Func<ApiKey, bool>> RequestMissing() => k => k.RequestId != null && !db.KeyRequests.Any(r => r.Id == k.RequestId);

    private IQueryable<ApiKey> Live()
    {
        var now = clock.GetUtcNow();
        return db.ApiKeys.AsNoTracking().Where(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now));
    }

    private static IQueryable<LiveRow> Rows(IQueryable<ApiKey> keys) => keys.Select(k => new LiveRow(
        k.Id, k.Prefix, k.LastFour, k.Name, k.Service, k.Environment, k.OwnerUserId, k.Scopes, k.CreatedAt, k.ExpiresAt, k.LastUsedAt,
        k.DisabledAt != null, k.RateLimitPerMinute, k.IpAllowList, k.PendingSecret != null, k.RequestId, k.PredecessorId));

    private static IReadOnlyList<KeyFact> Facts(List<LiveRow> rows) =>
        [.. rows.Select(k => new KeyFact(
            k.Id, $"{k.Prefix}…{k.LastFour}", k.Name, k.Service, k.Environment, k.OwnerUserId, k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.Disabled, k.RateLimitPerMinute, !string.IsNullOrWhiteSpace(k.IpAllowList), k.Waiting, k.RequestId, k.PredecessorId))];

    private sealed record LiveRow(
        Guid Id, string Prefix, string LastFour, string Name, string? Service, string Environment, string OwnerUserId, string Scopes,
        DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, bool Disabled, int? RateLimitPerMinute,
        string? IpAllowList, bool Waiting, Guid? RequestId, Guid? PredecessorId);

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
        // Reads only the keys on the chains walked (any key, revoked or not), a hop at a time, not every key.
        var known = new Dictionary<Guid, (Guid? RequestId, Guid? PredecessorId)>();
        var wanted = keyIds.ToHashSet();
        for (var hop = 0; wanted.Count > 0 && hop <= 1000; hop++)
        {
            var next = new HashSet<Guid>();
            foreach (var chunk in wanted.Chunk(1000))
            {
                foreach (var k in await db.ApiKeys.AsNoTracking().Where(k => chunk.Contains(k.Id)).Select(k => new { k.Id, k.RequestId, k.PredecessorId }).ToListAsync(ct))
                {
                    known[k.Id] = (k.RequestId, k.PredecessorId);
                    if (k.RequestId is null && k.PredecessorId is { } p && !known.ContainsKey(p))
                    {
                        next.Add(p);
                    }
                }
            }
            wanted = next;
        }
        var origins = new Dictionary<Guid, Guid?>();
        foreach (var id in keyIds)
        {
            Guid? current = id;
            var hops = 0;
            Guid? origin = null;
            while (current is { } c && known.TryGetValue(c, out var k) && hops++ < 1000)
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
