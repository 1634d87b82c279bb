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
/// </summary>
public sealed class KeyRotationPolicyJob(
    ConsoleDbContext db, KeyPolicyStore policies, ApiKeyIssuer issuer, SecretPickup pickup, AuditTrail audit, KeyNotifier notifier,
    TimeProvider clock, ILogger<KeyRotationPolicyJob> logger)
{
    public const string Id = "key-rotation-policy";

    public Task<int> RunAsync(CancellationToken ct) => RunAsync(clock.GetUtcNow(), ct);

    /// <summary>Applies the policy as of <paramref name="now"/> (tests pass a time instead of waiting months).</summary>
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var rotated = 0;
        var policy = await policies.GetAsync(ct);
        foreach (var environment in KeyEnvironments.All)
        {
            if (KeyRotationPolicy.MaxAge(policy, environment) is not { } max)
            {
                continue;
            }
            var bornBefore = now - max;
            var due = await db.ApiKeys
                .Where(k => k.Environment == environment && k.RevokedAt == null && k.SuccessorId == null && k.CreatedAt < bornBefore &&
                            (k.ExpiresAt == null || k.ExpiresAt > now))
                .ToListAsync(ct);
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
                // One key per save: a failure leaves the keys already handled handled.
                await db.SaveChangesAsync(ct);
                rotated++;
                await notifier.SuccessorReadyAsync(key.OwnerUserId, key, successor, byPolicy: true, ct);
            }
        }
        if (rotated > 0)
        {
            logger.LogInformation("Rotation policy issued {Count} successors awaiting pick-up", rotated);
        }
        return rotated;
    }
}
