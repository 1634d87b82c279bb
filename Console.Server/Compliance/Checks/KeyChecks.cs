using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using static SecurityConsole.Server.Compliance.Checks.CheckRow;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>Checks over live API keys (KeyComplianceFacts: not revoked, not expired), the key policy and the keys' owners (UserFacts).</summary>
public static class KeyChecks
{
    private const string Key = "key";

    public static IEnumerable<CheckDefinition> All =>
    [
        new("key-max-age", "Key age within the key policy", "Live keys' creation time against the key policy's rotation age per environment.",
            [CheckInputs.Keys], MaxAgeAsync),
        new("production-keys-expire", "Production keys expire", "Live production keys' expiry.",
            [CheckInputs.Keys], ExpireAsync),
        new("unused-keys", "Unused keys", "Live keys' last use (or creation) against the unused-key days.",
            [CheckInputs.Keys, CheckInputs.Compliance], UnusedAsync),
        new("orphaned-keys", "Keys of disabled or removed owners", "Live keys' owners among the users (present, not locked).",
            [CheckInputs.Keys, CheckInputs.Users], OrphanedAsync),
        new("production-keys-approved", "Production keys trace to an approved request", "Live production keys, their requests (or their predecessors' by rotation), requester and approver.",
            [CheckInputs.Keys], ApprovedAsync),
        new("least-privilege-scopes", "Least-privilege production keys", "Live production keys' scopes against the policy's High-risk scopes, their allow-lists and rate limits.",
            [CheckInputs.Keys, CheckInputs.Compliance], LeastPrivilegeAsync),
        new("no-secret-waiting", "No secret left waiting for pick-up", "Live keys whose sealed secret waits for pick-up, against the pick-up hours.",
            [CheckInputs.Keys, CheckInputs.Compliance], WaitingAsync),
    ];

    private static string Link(KeyFact k) => $"/keys/{k.Id}";

    private static string Name(KeyFact k) => $"{k.DisplayKey} ({k.Service ?? k.Name}, {k.Environment})";

    private static async Task<IReadOnlyList<CheckRow>> MaxAgeAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var policy = await facts.PolicyAsync(ct);
        return [.. (await c.LiveKeysAsync(ct)).Select(k =>
        {
            var age = CheckRegistry.Ago(c.Now, k.CreatedAt);
            return policy.For(k.Environment).RotateAfterDays is not { } days
                ? NotApplicable(Key, k.DisplayKey, $"{Name(k)}: the key policy sets no maximum age for {k.Environment}.")
                : c.Now - k.CreatedAt > TimeSpan.FromDays(days)
                    ? Fail(Key, k.DisplayKey, $"{Name(k)} is {age} old; the key policy allows {days} days.", Link(k))
                    : Pass(Key, k.DisplayKey, $"{Name(k)} is {age} old, within {days} days.", Link(k));
        })];
    }

    private static async Task<IReadOnlyList<CheckRow>> ExpireAsync(CheckContext c, CancellationToken ct) =>
        [.. (await c.LiveKeysAsync(ct)).Where(k => k.Environment == KeyEnvironments.Production).Select(k => k.ExpiresAt is { } e
            ? Pass(Key, k.DisplayKey, $"{Name(k)} expires on {e:yyyy-MM-dd}.", Link(k))
            : Fail(Key, k.DisplayKey, $"{Name(k)} never expires.", Link(k)))];

    private static async Task<IReadOnlyList<CheckRow>> UnusedAsync(CheckContext c, CancellationToken ct)
    {
        var limit = TimeSpan.FromDays(c.Parameters.UnusedKeyDays);
        return [.. (await c.LiveKeysAsync(ct)).Where(k => !k.Disabled).Select(k =>
        {
            var last = k.LastUsedAt ?? k.CreatedAt;
            var what = k.LastUsedAt is null ? "was issued" : "was last used";
            return c.Now - last > limit
                ? Fail(Key, k.DisplayKey, $"{Name(k)} {what} {CheckRegistry.Ago(c.Now, last)} ago, beyond {c.Parameters.UnusedKeyDays} days.", Link(k))
                : Pass(Key, k.DisplayKey, $"{Name(k)} {what} {CheckRegistry.Ago(c.Now, last)} ago.", Link(k));
        })];
    }

    private static async Task<IReadOnlyList<CheckRow>> OrphanedAsync(CheckContext c, CancellationToken ct)
    {
        var users = (await c.UsersAsync(ct)).ToDictionary(u => u.Id);
        return [.. (await c.LiveKeysAsync(ct)).Where(k => !k.Disabled).Select(k => users.TryGetValue(k.OwnerUserId, out var owner)
            ? owner.Locked
                ? Fail(Key, k.DisplayKey, $"{Name(k)} belongs to {owner.Email}, whose account is locked.", Link(k))
                : Pass(Key, k.DisplayKey, $"{Name(k)} belongs to {owner.Email}, who can sign in.", Link(k))
            : Fail(Key, k.DisplayKey, $"{Name(k)} belongs to an account that no longer exists.", Link(k)))];
    }

    private static async Task<IReadOnlyList<CheckRow>> ApprovedAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var production = (await c.LiveKeysAsync(ct)).Where(k => k.Environment == KeyEnvironments.Production).ToList();
        var origins = await facts.OriginsAsync([.. production.Select(k => k.Id)], ct);
        var requests = await facts.RequestsAsync([.. origins.Values.OfType<Guid>().Distinct()], ct);
        return [.. production.Select(k =>
        {
            if (origins[k.Id] is not { } origin || !requests.TryGetValue(origin, out var r))
            {
                return Fail(Key, k.DisplayKey, $"{Name(k)} was issued without a key request.", Link(k));
            }
            if (r.Status != KeyRequestStatuses.Approved || r.AutoApproved || r.DecidedByUserId is null)
            {
                return Fail(Key, k.DisplayKey, $"{Name(k)} traces to a request that no person approved.", Link(k));
            }
            return r.DecidedByUserId == r.RequesterUserId
                ? Fail(Key, k.DisplayKey, $"{Name(k)} was approved by its own requester.", Link(k))
                : Pass(Key, k.DisplayKey, $"{Name(k)} traces to a request approved by someone other than its requester.", Link(k));
        })];
    }

    private static async Task<IReadOnlyList<CheckRow>> LeastPrivilegeAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var policy = await facts.PolicyAsync(ct);
        var high = policy.Scopes.Where(s => s.Risk == ScopeRisk.High).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        return [.. (await c.LiveKeysAsync(ct)).Where(k => k.Environment == KeyEnvironments.Production).Select(k =>
        {
            var admin = k.Scopes.Where(high.Contains).ToList();
            if (admin.Count > 0)
            {
                return Fail(Key, k.DisplayKey, $"{Name(k)} holds the administrative scope {string.Join(", ", admin)} in production.", Link(k));
            }
            return !k.HasIpAllowList && k.RateLimitPerMinute is null
                ? Fail(Key, k.DisplayKey, $"{Name(k)} has neither an IP allow-list nor a rate limit.", Link(k))
                : Pass(Key, k.DisplayKey, $"{Name(k)} holds only {string.Join(", ", k.Scopes)} and is {(k.HasIpAllowList ? "limited to its allow-list" : $"rate-limited to {k.RateLimitPerMinute}/min")}.", Link(k));
        })];
    }

    private static async Task<IReadOnlyList<CheckRow>> WaitingAsync(CheckContext c, CancellationToken ct)
    {
        var limit = TimeSpan.FromHours(c.Parameters.PickupWaitHours);
        var keys = await c.LiveKeysAsync(ct);
        // Secrets are stored as SHA-256 only (KeyComplianceFacts never has them); what is left is a sealed secret waiting too long.
        var rows = keys.Where(k => k.SecretWaiting).Select(k => c.Now - k.CreatedAt > limit
            ? Fail(Key, k.DisplayKey, $"{Name(k)}: its secret has waited {CheckRegistry.Ago(c.Now, k.CreatedAt)} for pick-up, beyond {c.Parameters.PickupWaitHours} hours.", Link(k))
            : Pass(Key, k.DisplayKey, $"{Name(k)}: its secret waits for pick-up since {CheckRegistry.Ago(c.Now, k.CreatedAt)}.", Link(k))).ToList();
        if (rows.Count == 0)
        {
            rows.Add(Pass("keys", "all", $"No secret waits for pick-up; {keys.Count} live keys are stored as hashes only."));
        }
        return rows;
    }
}
