using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Maximum key age per environment. A code table for now (production 90 days, staging 180,
/// development none); admins will edit it in the console later (issue 4).
/// </summary>
public static class KeyRotationPolicy
{
    public static TimeSpan? MaxAge(string environment) => environment switch
    {
        KeyEnvironments.Production => TimeSpan.FromDays(90),
        KeyEnvironments.Staging => TimeSpan.FromDays(180),
        _ => null,
    };

    public static bool IsOverdue(ApiKey key, DateTimeOffset now) =>
        key.RevokedAt is null && MaxAge(key.Environment) is { } max && now - key.CreatedAt > max;
}

/// <summary>
/// Daily: every live key older than its environment's maximum age, and not yet rotated, gets a
/// successor waiting for its owner to pick up. The old key is left as it is (cutting off a service
/// that has not switched yet is the owner's decision); it shows as pending rotation and overdue.
/// </summary>
public sealed class KeyRotationPolicyJob(
    ConsoleDbContext db, ApiKeyIssuer issuer, SecretPickup pickup, AuditTrail audit, TimeProvider clock, ILogger<KeyRotationPolicyJob> logger)
{
    public const string Id = "key-rotation-policy";

    public Task<int> RunAsync(CancellationToken ct) => RunAsync(clock.GetUtcNow(), ct);

    /// <summary>Applies the policy as of <paramref name="now"/> (tests pass a time instead of waiting months).</summary>
    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var rotated = 0;
        foreach (var environment in KeyEnvironments.All)
        {
            if (KeyRotationPolicy.MaxAge(environment) is not { } max)
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
                audit.Record(new AuditEvent(AuditCategories.Key, "key.rotation_due", "api_key", key.Id.ToString(),
                    Data: new { key = key.DisplayKey, owner = key.OwnerUserId, successorId = successor.Id, maxAgeDays = (int)max.TotalDays }));
                // One key per save: a failure leaves the keys already handled handled.
                await db.SaveChangesAsync(ct);
                rotated++;
            }
        }
        if (rotated > 0)
        {
            logger.LogInformation("Rotation policy issued {Count} successors awaiting pick-up", rotated);
        }
        return rotated;
    }
}
