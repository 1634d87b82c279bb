using Hangfire;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>Maximum key age per environment, from the admins' <see cref="KeyPolicy"/>.</summary>
public static class KeyRotationPolicy
{
    public static TimeSpan? MaxAge(KeyPolicy policy, string environment) =>
        policy.For(environment).RotateAfterDays is { } days ? TimeSpan.FromDays(days) : null;

    public static bool IsOverdue(KeyPolicy policy, ApiKey key, DateTimeOffset now) =>
        key.RevokedAt is null && (key.ExpiresAt is null || key.ExpiresAt > now) &&
        MaxAge(policy, key.Environment) is { } max && now - key.CreatedAt > max;

    /// <summary>How many live keys are past their environment's maximum age (one indexed count per environment with a maximum).</summary>
    public static async Task<int> CountOverdueAsync(IQueryable<ApiKey> keys, KeyPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var count = 0;
        foreach (var environment in KeyEnvironments.All)
        {
            if (MaxAge(policy, environment) is { } max)
            {
                var bornBefore = now - max;
                count += await keys.CountAsync(k => k.Environment == environment && k.RevokedAt == null && k.CreatedAt < bornBefore &&
                                                     (k.ExpiresAt == null || k.ExpiresAt > now), ct);
            }
        }
        return count;
    }
}

/// <summary>
/// Daily: every live key older than its environment's maximum age, and not yet rotated, gets a
/// successor waiting for its owner to pick up. The old key is left as it is (cutting off a service
/// that has not switched yet is the owner's decision); it shows as pending rotation and overdue.
/// Keys are handled in batches of <see cref="BatchSize"/>, each batch one commit (a failure leaves the batches already
/// committed handled, and the next run takes up the rest), with nothing kept tracked from one batch to the next: a
/// database whose policy makes tens of thousands of keys due at once is rotated in time linear in their number. What its
/// commits tell listeners (the compliance checks over keys) is told once, when the run ends, not once per batch (ADR 0165).
/// </summary>
public sealed class KeyRotationPolicyJob(
    ConsoleDbContext db, KeyPolicyStore policies, ApiKeyIssuer issuer, SecretPickup pickup, AuditTrail audit, KeyNotifier notifier,
    TimeProvider clock, ILogger<KeyRotationPolicyJob> logger)
{
    public const string Id = "key-rotation-policy";

    /// <summary>Keys rotated per commit.</summary>
    public const int BatchSize = 100;

    /// <summary>
    /// The scheduled run. Once at a time across the cluster: an occurrence that finds another still running (one a stopped
    /// node left queued and the next node resumed, say) waits for it, and then finds nothing left to do, rather than
    /// giving the same keys a second successor.
    /// </summary>
    [DisableConcurrentExecution(timeoutInSeconds: 30 * 60)]
    public Task<int> RunAsync(CancellationToken ct) => RunAsync(clock.GetUtcNow(), ct);

    /// <summary>Applies the policy as of <paramref name="now"/> (tests pass a time instead of waiting months).</summary>
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var rotated = 0;
        var policy = await policies.GetAsync(ct);
        // Only keys that existed when the run began: a successor issued by this run (created at the clock's now, which a
        // test's later "now" can make look overdue) is never rotated by the run that issued it.
        var began = clock.GetUtcNow();
        using (ChangeNoticeHold.Begin(db))
        {
            foreach (var environment in KeyEnvironments.All)
            {
                if (KeyRotationPolicy.MaxAge(policy, environment) is not { } max)
                {
                    continue;
                }
                var bornBefore = now - max;
                while (true)
                {
                    // A handled key has a successor: the same query finds the next batch.
                    var due = await db.ApiKeys
                        .Where(k => k.Environment == environment && k.RevokedAt == null && k.SuccessorId == null && k.CreatedAt < bornBefore &&
                                    k.CreatedAt < began && (k.ExpiresAt == null || k.ExpiresAt > now))
                        .OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
                        .Take(BatchSize)
                        .ToListAsync(ct);
                    if (due.Count == 0)
                    {
                        break;
                    }
                    var issued = new List<(ApiKey Key, ApiKey Successor)>(due.Count);
                    foreach (var key in due)
                    {
                        var lifetime = key.ExpiresAt is { } expires ? expires - key.CreatedAt : (TimeSpan?)null;
                        var (successor, secret) = issuer.Add(new KeySpec(
                            key.OwnerUserId, key.Name, key.Environment, key.ScopeList, lifetime, key.Service, key.RateLimitPerMinute,
                            key.IpAllowListEntries, key.RequestId, PredecessorId: key.Id));
                        successor.PendingSecret = pickup.Seal(successor, secret);
                        key.SuccessorId = successor.Id;
                        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRotationDue, "api_key", key.Id.ToString(),
                            Data: new { key = key.DisplayKey, owner = key.OwnerUserId, successorId = successor.Id, maxAgeDays = (int)max.TotalDays }));
                        issued.Add((key, successor));
                    }
                    await db.SaveChangesAsync(ct);
                    // Committed: nothing of this batch needs tracking any more (tracked rows would make every later save slower).
                    db.ChangeTracker.Clear();
                    rotated += issued.Count;
                    foreach (var (key, successor) in issued)
                    {
                        await notifier.SuccessorReadyAsync(key.OwnerUserId, key, successor, byPolicy: true, ct);
                    }
                }
            }
        }
        if (rotated > 0)
        {
            logger.LogInformation("Rotation policy issued {Count} successors awaiting pick-up", rotated);
        }
        return rotated;
    }
}
