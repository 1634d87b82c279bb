using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Events;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Keys;

/// <summary>Keys after issuance: list, pick up once, revoke, rotate. Each change is audited in its transaction and invalidates verification caches.</summary>
public sealed class KeyManagement(
    ConsoleDbContext db, ApiKeyIssuer issuer, SecretPickup pickup, AuditTrail audit, IKeyInvalidation invalidation, KeyPolicyStore policies,
    KeyNotifier notifier, TimeProvider clock, ConsoleSecurityEvents events, AfterCommit afterCommit, Caller current)
{
    /// <summary>One page of the keys the caller may see that match; filtered, counted, sorted and paged by the database.</summary>
    public async Task<KeyPage> ListAsync(KeyListQuery q, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var now = clock.GetUtcNow();
        var policy = await policies.GetAsync(ct);
        var rows = KeyList.Search(WithOwners(KeyList.Filter(Visible(caller), q, policy, now)), q.Search);
        var total = await rows.CountAsync(ct);
        var page = await KeyList.Order(rows, q).Skip((q.Page - 1) * q.PageSize).Take(q.PageSize).ToListAsync(ct);
        return new KeyPage([.. page.Select(r => Summary(r, policy, now))], total, q.Page, q.PageSize);
    }

    public async Task<ApiKeySummary?> GetAsync(Guid id, CancellationToken ct) =>
        (await SummariesAsync(Visible(KeyCaller.From(current)).Where(k => k.Id == id), clock.GetUtcNow(), ct)).SingleOrDefault();

    /// <summary>Uses per minute over the last <paramref name="hours"/> hours, oldest first; minutes without use are absent.</summary>
    public async Task<List<KeyUsagePoint>?> UsageAsync(Guid id, int hours, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        if (!await Visible(caller).AnyAsync(k => k.Id == id, ct))
        {
            return null;
        }
        var since = clock.GetUtcNow().AddHours(-hours);
        var rows = await db.ApiKeyUsage.AsNoTracking().Where(u => u.KeyId == id && u.Minute >= since).OrderBy(u => u.Minute).ToListAsync(ct);
        return [.. rows.Select(u => new KeyUsagePoint(u.Minute, u.Count))];
    }

    /// <summary>Hands the owner a secret that was waiting for them, once: the column is cleared in the same statement that reads it.</summary>
    public async Task<ApiKeyIssued> PickUpAsync(Guid keyId, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == keyId && k.OwnerUserId == caller.UserId, ct)
            ?? throw new NotFoundException();
        if (!caller.Covers(key))
        {
            throw await BeyondAsync(caller, key, AuditActions.KeyPickedUp, "collect its secret", ct);
        }
        if (key.PendingSecret is not { } sealedSecret)
        {
            throw Gone();
        }
        // Decrypt before clearing: if Data Protection cannot open it, the secret stays pending rather than being lost.
        var secret = pickup.Open(key, sealedSecret);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Of two simultaneous pick-ups, only the one that clears the column gets the secret.
        var cleared = await db.ApiKeys.Where(k => k.Id == keyId && k.PendingSecret != null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.PendingSecret, (string?)null), ct);
        if (cleared == 0)
        {
            throw Gone();
        }
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyPickedUp, "api_key", key.Id.ToString(), Data: new { key = key.DisplayKey }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ApiKeyIssued(key.Id, secret, key.DisplayKey, key.ExpiresAt);
    }

    public async Task<ApiKeySummary> RevokeAsync(Guid id, string reason, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !MaySee(caller, key))
        {
            throw new NotFoundException();
        }
        if (!MayChange(caller, key))
        {
            throw MayChangeAsOwner(caller, key)
                ? await BeyondAsync(caller, key, AuditActions.KeyRevoked, "revoke it", ct)
                : new ForbiddenException("Not your key", "Only the key's owner or someone with keys:write may revoke it.");
        }
        if (key.RevokedAt is not null)
        {
            throw new ConflictException("The key is already revoked", $"It was revoked at {key.RevokedAt:O}.");
        }
        key.RevokedAt = clock.GetUtcNow();
        key.RevokedReason = reason.Trim();
        // A secret nobody picked up must not be collectable after revocation.
        key.PendingSecret = null;
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRevoked, "api_key", key.Id.ToString(),
            Data: new { key = key.DisplayKey, owner = key.OwnerUserId }, Personal: new { reason = key.RevokedReason }));
        await db.SaveChangesAsync(ct);
        // A caller's transaction (an access review's decision) may still roll back: the caches, the event and the owner's
        // notice follow its commit, never a revocation that did not happen.
        await afterCommit.RunAsync(db, async after =>
        {
            await invalidation.InvalidateAsync(key.Hash, after);
            events.KeyChanged(Shared.Detection.SecurityEventTypes.KeyRevoked, key.Facts());
            if (key.OwnerUserId != caller.UserId)
            {
                await notifier.RevokedAsync(key, after);
            }
        }, ct);
        return (await SummariesAsync(db.ApiKeys.Where(k => k.Id == id), clock.GetUtcNow(), ct)).Single();
    }

    /// <summary>Suspends a key (<paramref name="disable"/>) or lets it work again; audited, and every node stops or resumes at once.</summary>
    public async Task<ApiKeySummary> SetDisabledAsync(Guid id, bool disable, string? reason, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || !MaySee(caller, key))
        {
            throw new NotFoundException();
        }
        if (!MayChange(caller, key))
        {
            throw MayChangeAsOwner(caller, key)
                ? await BeyondAsync(caller, key, disable ? AuditActions.KeyDisabled : AuditActions.KeyEnabled, disable ? "disable it" : "enable it", ct)
                : new ForbiddenException("Not your key", "Only the key's owner or someone with keys:write may disable or enable it.");
        }
        var now = clock.GetUtcNow();
        if (key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            throw new ConflictException("The key has ended", $"It is {key.StatusAt(now)}; revocation and expiry are final.");
        }
        if ((key.DisabledAt is not null) == disable)
        {
            throw new ConflictException(disable ? "The key is already disabled" : "The key is not disabled",
                disable ? $"It was disabled at {key.DisabledAt:O}." : "It is working; nothing to enable.");
        }
        key.DisabledAt = disable ? now : null;
        key.DisabledReason = disable ? reason?.Trim() : null;
        audit.Record(new AuditEvent(AuditCategories.Key, disable ? AuditActions.KeyDisabled : AuditActions.KeyEnabled, "api_key", key.Id.ToString(),
            Data: new { key = key.DisplayKey, owner = key.OwnerUserId }, Personal: disable ? new { reason = key.DisabledReason } : null));
        await db.SaveChangesAsync(ct);
        await invalidation.InvalidateAsync(key.Hash, ct);
        return (await SummariesAsync(db.ApiKeys.Where(k => k.Id == id), now, ct)).Single();
    }

    /// <summary>
    /// Issues a successor with the same owner, scopes and limits, and lets the old key live for the grace period.
    /// <paramref name="self"/>: the key is rotating itself, so the successor's secret is returned now instead of waiting for pick-up.
    /// </summary>
    public async Task<KeyRotated> RotateAsync(Guid id, int graceHours, bool self, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null || (!self && !MaySee(caller, key)))
        {
            throw new NotFoundException();
        }
        // Rotation makes a key: a calling key never makes one beyond its own scopes, whatever else it may do (keys:write included).
        if (!self && (!caller.Covers(key) || !MayChange(caller, key)))
        {
            throw caller.IsKey && (MayChangeAsOwner(caller, key) || caller.Can(Permissions.KeysWrite))
                ? await BeyondAsync(caller, key, AuditActions.KeyRotated, "rotate it", ct)
                : new ForbiddenException("Not your key", "Only the key's owner or someone with keys:write may rotate it.");
        }
        var now = clock.GetUtcNow();
        if (key.StatusAt(now) is KeyStatuses.Revoked or KeyStatuses.Expired)
        {
            throw new ConflictException("The key cannot be rotated", $"It is {key.StatusAt(now)}.");
        }
        if (key.SuccessorId is not null)
        {
            throw new ConflictException("The key was already rotated", $"Its successor is {key.SuccessorId}.");
        }
        var lifetime = key.ExpiresAt is { } expires ? expires - key.CreatedAt : (TimeSpan?)null;
        var (successor, secret) = issuer.Add(new KeySpec(
            key.OwnerUserId, key.Name, key.Environment, key.ScopeList, lifetime, key.Service, key.RateLimitPerMinute, key.IpAllowListEntries,
            key.RequestId, PredecessorId: key.Id));
        if (!self)
        {
            successor.PendingSecret = pickup.Seal(successor, secret);
        }
        var graceEnds = now + TimeSpan.FromHours(graceHours);
        key.ExpiresAt = key.ExpiresAt is { } e && e < graceEnds ? e : graceEnds;
        key.SuccessorId = successor.Id;
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRotated, "api_key", key.Id.ToString(),
            Data: new { key = key.DisplayKey, successorId = successor.Id, successor = successor.DisplayKey, graceHours, key.ExpiresAt, self }));
        await db.SaveChangesAsync(ct);
        await invalidation.InvalidateAsync(key.Hash, ct);
        events.KeyChanged(Shared.Detection.SecurityEventTypes.KeyRotated, key.Facts());
        if (!self && key.OwnerUserId != caller.UserId)
        {
            // The owner rotating their own key sees the successor on screen; someone else's rotation is news to them.
            await notifier.SuccessorReadyAsync(key.OwnerUserId, key, successor, byPolicy: false, ct);
        }
        return new KeyRotated(key.Id, key.ExpiresAt.Value, successor.Id, successor.DisplayKey, self ? secret : null);
    }

    /// <summary>
    /// A key seen in the wild: revoke it if it is ours and live. The answer says what happened; the audit
    /// entry names the key by its display form only. The security event (written before answering) raises the alert.
    /// </summary>
    public async Task<KeyLeakResult> ReportLeakedAsync(string secret, string? source, CancellationToken ct)
    {
        if (!KeyFormat.IsWellFormed(secret))
        {
            return new KeyLeakResult(false, "malformed", null);
        }
        var hash = KeyFormat.Hash(secret);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Hash == hash, ct);
        if (key is null)
        {
            audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.KeyLeakReported, "api_key", null, AuditOutcomes.Failure,
                Data: new { outcome = "not_found", source }));
            await db.SaveChangesAsync(ct);
            return new KeyLeakResult(false, "not_found", null);
        }
        var outcome = key.RevokedAt is null ? "revoked" : "already_revoked";
        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            key.RevokedReason = "Reported leaked" + (source is null ? "" : $": {source}");
            key.PendingSecret = null;
            audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRevoked, "api_key", key.Id.ToString(),
                Data: new { key = key.DisplayKey, owner = key.OwnerUserId, leaked = true }, Personal: new { reason = key.RevokedReason }));
        }
        audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.KeyLeakReported, "api_key", key.Id.ToString(),
            Data: new { key = key.DisplayKey, owner = key.OwnerUserId, outcome, source }));
        await db.SaveChangesAsync(ct);
        await invalidation.InvalidateAsync(key.Hash, ct);
        await events.LeakReportedAsync(key.Facts(), outcome, source, ct);
        if (outcome == "revoked")
        {
            await notifier.RevokedAsync(key, ct);
        }
        return new KeyLeakResult(outcome == "revoked", outcome, key.Id);
    }

    private IQueryable<ApiKey> Visible(KeyCaller caller)
    {
        var mayReadAll = caller.Can(Permissions.KeysRead) || caller.Can(Permissions.KeysWrite);
        return db.ApiKeys.AsNoTracking().Where(k => mayReadAll || k.OwnerUserId == caller.UserId);
    }

    private static bool MaySee(KeyCaller caller, ApiKey key) =>
        key.OwnerUserId == caller.UserId || caller.Can(Permissions.KeysRead) || caller.Can(Permissions.KeysWrite);

    /// <summary>The owner (a key only on keys it covers) or keys:write.</summary>
    private static bool MayChange(KeyCaller caller, ApiKey key) => (key.OwnerUserId == caller.UserId && caller.Covers(key)) || caller.Can(Permissions.KeysWrite);

    /// <summary>A key of the same owner that would be allowed if its scopes were within the caller's.</summary>
    private static bool MayChangeAsOwner(KeyCaller caller, ApiKey key) => caller.IsKey && key.OwnerUserId == caller.UserId;

    /// <summary>A key reaching for a sibling wider than itself: refused (the refusal to throw), and the attempt is kept in the audit trail.</summary>
    private async Task<ForbiddenException> BeyondAsync(KeyCaller caller, ApiKey key, string action, string verb, CancellationToken ct)
    {
        var beyond = Grants.Beyond(caller.Granted, key.ScopeList);
        audit.Record(new AuditEvent(AuditCategories.Key, action, "api_key", key.Id.ToString(), AuditOutcomes.Denied,
            Data: new { key = key.DisplayKey, reason = "beyond_caller_scopes", beyond }));
        await db.SaveChangesAsync(ct);
        return new ForbiddenException("This key cannot act on a wider key",
            $"A key acts for its owner only on keys whose scopes are within its own; this key has {string.Join(", ", beyond)} beyond the calling key's, "
            + $"so the calling key may not {verb}. Its owner can, signed in.");
    }

    private static GoneException Gone() => new("The secret was already picked up",
        "A key's secret is handed out exactly once. If it was lost, rotate or revoke the key.");

    private async Task<List<ApiKeySummary>> SummariesAsync(IQueryable<ApiKey> query, DateTimeOffset now, CancellationToken ct)
    {
        var policy = await policies.GetAsync(ct);
        var rows = await WithOwners(query).OrderByDescending(r => r.Key.CreatedAt).ToListAsync(ct);
        return [.. rows.Select(r => Summary(r, policy, now))];
    }

    private IQueryable<KeyRow> WithOwners(IQueryable<ApiKey> keys) =>
        from k in keys
        join u in db.Users on k.OwnerUserId equals u.Id into owners
        from u in owners.DefaultIfEmpty()
        select new KeyRow { Key = k, Email = u == null ? null : u.Email };

    private static ApiKeySummary Summary(KeyRow r, KeyPolicy policy, DateTimeOffset now)
    {
        var k = r.Key;
        return new ApiKeySummary(
            k.Id, k.Name, k.DisplayKey, k.Environment, k.Service, k.OwnerUserId, r.Email ?? "", k.ScopeList,
            k.StatusAt(now), k.CreatedAt, (int)(now - k.CreatedAt).TotalDays, k.ExpiresAt, k.LastUsedAt, k.LastUsedIp, k.RevokedAt,
            k.RevokedReason, k.RateLimitPerMinute, k.IpAllowListEntries, k.PredecessorId, k.SuccessorId, k.PendingSecret != null,
            KeyRotationPolicy.IsOverdue(policy, k, now), k.DisabledAt, k.DisabledReason, k.RequestId);
    }
}
