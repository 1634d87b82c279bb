using System.Linq.Expressions;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Keys;
using static SecurityConsole.Server.Compliance.Checks.CheckRow;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>
/// Checks over live API keys (KeyComplianceFacts: not revoked, not expired), the key policy and the keys' owners. Each counts
/// and filters in the database and reads only the keys the page shows (ADR 0119): 100,000 live keys read into memory by
/// every key check were most of a full evaluation's memory, and of a users change's time to red (issue 12).
/// </summary>
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

    /// <summary>One class of live keys, all of one status: counted in the database, and only the first ones the limits leave room for read.</summary>
    private static Task KeysAsync(
        RowCollector rows, KeyComplianceFacts facts, string status, Expression<Func<ApiKey, bool>> where, Func<KeyFact, CheckRow> row, CancellationToken ct) =>
        rows.AddAsync(status, () => facts.CountLiveAsync(where, ct), async n => (await facts.LiveAsync(where, n, ct)).Select(row));

    private static readonly Expression<Func<ApiKey, bool>> InProduction = k => k.Environment == KeyEnvironments.Production;

    private static readonly Expression<Func<ApiKey, bool>> Enabled = k => k.DisabledAt == null;

    private static async Task<IReadOnlyList<CheckRow>> MaxAgeAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var policy = await facts.PolicyAsync(ct);
        var rows = new RowCollector(c.Limits);
        foreach (var environment in (await facts.LiveEnvironmentsAsync(ct)).Order(StringComparer.Ordinal))
        {
            if (policy.For(environment).RotateAfterDays is not { } days)
            {
                await KeysAsync(rows, facts, S.NotApplicable, k => k.Environment == environment,
                    k => NotApplicable(Key, k.DisplayKey, $"{Name(k)}: the key policy sets no maximum age for {k.Environment}."), ct);
                continue;
            }
            var cutoff = c.Now.AddDays(-days);
            await KeysAsync(rows, facts, S.Fail, k => k.Environment == environment && k.CreatedAt < cutoff,
                k => Fail(Key, k.DisplayKey, $"{Name(k)} is {CheckRegistry.Ago(c.Now, k.CreatedAt)} old; the key policy allows {days} days.", Link(k)), ct);
            await KeysAsync(rows, facts, S.Pass, k => k.Environment == environment && k.CreatedAt >= cutoff,
                k => Pass(Key, k.DisplayKey, $"{Name(k)} is {CheckRegistry.Ago(c.Now, k.CreatedAt)} old, within {days} days.", Link(k)), ct);
        }
        return rows.Rows();
    }

    private static async Task<IReadOnlyList<CheckRow>> ExpireAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var rows = new RowCollector(c.Limits);
        await KeysAsync(rows, facts, S.Fail, InProduction.And(k => k.ExpiresAt == null),
            k => Fail(Key, k.DisplayKey, $"{Name(k)} never expires.", Link(k)), ct);
        await KeysAsync(rows, facts, S.Pass, InProduction.And(k => k.ExpiresAt != null),
            k => Pass(Key, k.DisplayKey, $"{Name(k)} expires on {k.ExpiresAt!.Value:yyyy-MM-dd}.", Link(k)), ct);
        return rows.Rows();
    }

    private static async Task<IReadOnlyList<CheckRow>> UnusedAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var rows = new RowCollector(c.Limits);
        // Unused: last used (or, never used, issued) more than the unused-key days ago.
        var cutoff = c.Now.AddDays(-c.Parameters.UnusedKeyDays);
        string What(KeyFact k) => k.LastUsedAt is null ? "was issued" : "was last used";
        string Ago(KeyFact k) => CheckRegistry.Ago(c.Now, k.LastUsedAt ?? k.CreatedAt);
        await KeysAsync(rows, facts, S.Fail, Enabled.And(k => (k.LastUsedAt == null && k.CreatedAt < cutoff) || (k.LastUsedAt != null && k.LastUsedAt < cutoff)),
            k => Fail(Key, k.DisplayKey, $"{Name(k)} {What(k)} {Ago(k)} ago, beyond {c.Parameters.UnusedKeyDays} days.", Link(k)), ct);
        await KeysAsync(rows, facts, S.Pass, Enabled.And(k => (k.LastUsedAt == null && k.CreatedAt >= cutoff) || (k.LastUsedAt != null && k.LastUsedAt >= cutoff)),
            k => Pass(Key, k.DisplayKey, $"{Name(k)} {What(k)} {Ago(k)} ago.", Link(k)), ct);
        return rows.Rows();
    }

    private static async Task<IReadOnlyList<CheckRow>> OrphanedAsync(CheckContext c, CancellationToken ct)
    {
        // The join of keys to their owners is made in the database; only the keys kept for the page are read, with their
        // owners. A users change re-runs this check: two counts, not a read of every live key (issue 12's time to red).
        var facts = c.Get<KeyComplianceFacts>();
        var users = c.Get<UserFacts>();
        var rows = new RowCollector(c.Limits);
        var owned = facts.OwnerCanSignIn(c.Now);
        var failing = Enabled.And(owned.Not());
        var passing = Enabled.And(owned);
        async Task<IEnumerable<CheckRow>> DescribeAsync(IReadOnlyList<KeyFact> keys, bool fails)
        {
            var owners = await users.ByIdsAsync([.. keys.Select(k => k.OwnerUserId)], ct);
            return keys.Select(k => (owners.GetValueOrDefault(k.OwnerUserId), fails) switch
            {
                (null, true) => Fail(Key, k.DisplayKey, $"{Name(k)} belongs to an account that no longer exists.", Link(k)),
                ({ } owner, true) => Fail(Key, k.DisplayKey, $"{Name(k)} belongs to {owner.Email}, whose account is locked.", Link(k)),
                (var owner, false) => Pass(Key, k.DisplayKey, $"{Name(k)} belongs to {owner?.Email ?? k.OwnerUserId}, who can sign in.", Link(k)),
            });
        }
        await rows.AddAsync(S.Fail, () => facts.CountLiveAsync(failing, ct), async n => await DescribeAsync(await facts.LiveAsync(failing, n, ct), fails: true));
        await rows.AddAsync(S.Pass, () => facts.CountLiveAsync(passing, ct), async n => await DescribeAsync(await facts.LiveAsync(passing, n, ct), fails: false));
        return rows.Rows();
    }

    private static async Task<IReadOnlyList<CheckRow>> ApprovedAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var rows = new RowCollector(c.Limits);
        // A key issued for its own request: the request is joined in the database.
        var own = InProduction.And(k => k.RequestId != null);
        await KeysAsync(rows, facts, S.Fail, own.And(facts.RequestMissing()), Unrequested, ct);
        await KeysAsync(rows, facts, S.Fail, own.And(facts.RequestNotApprovedByAPerson()), NoPerson, ct);
        await KeysAsync(rows, facts, S.Fail, own.And(facts.RequestApprovedByRequester()), OwnRequester, ct);
        await KeysAsync(rows, facts, S.Pass, own.And(facts.RequestApprovedByAnother()), Approved, ct);
        await KeysAsync(rows, facts, S.Fail, InProduction.And(k => k.RequestId == null && k.PredecessorId == null), Unrequested, ct);
        // A key issued by rotation traces to its predecessors' request: those chains are walked (only these keys' chains).
        var rotated = await facts.LiveAsync(InProduction.And(k => k.RequestId == null && k.PredecessorId != null), int.MaxValue, ct);
        if (rotated.Count > 0)
        {
            var origins = await facts.OriginsAsync([.. rotated.Select(k => k.Id)], ct);
            var requests = await facts.RequestsAsync([.. origins.Values.OfType<Guid>().Distinct()], ct);
            foreach (var k in rotated)
            {
                rows.Add(origins[k.Id] is not { } origin || !requests.TryGetValue(origin, out var r)
                    ? Unrequested(k)
                    : r.Status != KeyRequestStatuses.Approved || r.AutoApproved || r.DecidedByUserId is null
                        ? NoPerson(k)
                        : r.DecidedByUserId == r.RequesterUserId ? OwnRequester(k) : Approved(k));
            }
        }
        return rows.Rows();

        static CheckRow Unrequested(KeyFact k) => Fail(Key, k.DisplayKey, $"{Name(k)} was issued without a key request.", Link(k));
        static CheckRow NoPerson(KeyFact k) => Fail(Key, k.DisplayKey, $"{Name(k)} traces to a request that no person approved.", Link(k));
        static CheckRow OwnRequester(KeyFact k) => Fail(Key, k.DisplayKey, $"{Name(k)} was approved by its own requester.", Link(k));
        static CheckRow Approved(KeyFact k) => Pass(Key, k.DisplayKey, $"{Name(k)} traces to a request approved by someone other than its requester.", Link(k));
    }

    private static async Task<IReadOnlyList<CheckRow>> LeastPrivilegeAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var policy = await facts.PolicyAsync(ct);
        var high = policy.Scopes.Where(s => s.Risk == ScopeRisk.High).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var rows = new RowCollector(c.Limits);
        // Scopes are stored space-separated: " a b " holds " a ".
        var holdsHigh = Filters.Any(high.Select(s => $" {s} ").Select(pattern => (Expression<Func<ApiKey, bool>>)(k => (" " + k.Scopes + " ").Contains(pattern))));
        Expression<Func<ApiKey, bool>> unlimited = k => string.IsNullOrWhiteSpace(k.IpAllowList) && k.RateLimitPerMinute == null;
        await KeysAsync(rows, facts, S.Fail, InProduction.And(holdsHigh),
            k => Fail(Key, k.DisplayKey, $"{Name(k)} holds the administrative scope {string.Join(", ", k.Scopes.Where(high.Contains))} in production.", Link(k)), ct);
        await KeysAsync(rows, facts, S.Fail, InProduction.And(holdsHigh.Not()).And(unlimited),
            k => Fail(Key, k.DisplayKey, $"{Name(k)} has neither an IP allow-list nor a rate limit.", Link(k)), ct);
        await KeysAsync(rows, facts, S.Pass, InProduction.And(holdsHigh.Not()).And(unlimited.Not()),
            k => Pass(Key, k.DisplayKey, $"{Name(k)} holds only {string.Join(", ", k.Scopes)} and is {(k.HasIpAllowList ? "limited to its allow-list" : $"rate-limited to {k.RateLimitPerMinute}/min")}.", Link(k)), ct);
        return rows.Rows();
    }

    private static async Task<IReadOnlyList<CheckRow>> WaitingAsync(CheckContext c, CancellationToken ct)
    {
        var facts = c.Get<KeyComplianceFacts>();
        var rows = new RowCollector(c.Limits);
        var cutoff = c.Now.AddHours(-c.Parameters.PickupWaitHours);
        // Secrets are stored as SHA-256 only (KeyComplianceFacts never has them); what is left is a sealed secret waiting too long.
        await KeysAsync(rows, facts, S.Fail, k => k.PendingSecret != null && k.CreatedAt < cutoff,
            k => Fail(Key, k.DisplayKey, $"{Name(k)}: its secret has waited {CheckRegistry.Ago(c.Now, k.CreatedAt)} for pick-up, beyond {c.Parameters.PickupWaitHours} hours.", Link(k)), ct);
        await KeysAsync(rows, facts, S.Pass, k => k.PendingSecret != null && k.CreatedAt >= cutoff,
            k => Pass(Key, k.DisplayKey, $"{Name(k)}: its secret waits for pick-up since {CheckRegistry.Ago(c.Now, k.CreatedAt)}.", Link(k)), ct);
        if (rows.Total == 0)
        {
            rows.Add(Pass("keys", "all", $"No secret waits for pick-up; {await facts.CountLiveAsync(_ => true, ct)} live keys are stored as hashes only."));
        }
        return rows.Rows();
    }
}
