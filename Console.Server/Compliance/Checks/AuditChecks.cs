using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Compliance.Checks.CheckRow;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>Checks over the audit trail (AuditFacts): the chain, checkpoints, retention, coverage, fields, readers, masking, erasure.</summary>
public static class AuditChecks
{
    private const string Chain = "audit chain";

    public static IEnumerable<CheckDefinition> All =>
    [
        // "Verified within the hour": the job audit-chain-verification's recorded outcome of the whole chain (every 30 minutes),
        // and the entries appended since, verified each time this runs (every sweep, and whenever an audit-category entry or a
        // checkpoint is committed, such as the job's own outcome). ADR 0130.
        new("audit-chain-verified", "Audit chain verified within the last hour", "The outcome the chain verification job recorded for the whole chain (every 30 minutes; the check verifies the whole chain itself only when none from the last 45 minutes is recorded), and the entries appended since, through AuditVerifier.",
            [CheckInputs.Retention, CheckInputs.Audit], ChainAsync),
        new("checkpoints-on-schedule", "Signed checkpoints on schedule", "The latest signed checkpoint (signature checked) against the chain head.",
            [CheckInputs.Audit], CheckpointsAsync),
        new("retention-floors", "Retention at or above every enabled framework's floor", "Audit retention per category against the floors of the enabled frameworks' files.",
            [CheckInputs.Retention, CheckInputs.Compliance], RetentionAsync),
        new("audit-coverage", "Audit coverage of admin, credential, sign-in and audit-read actions", "Whether entries of each kind exist within the inactivity window.",
            [CheckInputs.Audit], CoverageAsync),
        new("audit-fields-complete", "Audit entry fields complete", "The 1,000 most recent entries' time, category, action, actor and outcome.",
            [CheckInputs.Audit], FieldsAsync),
        new("audit-readers-limited", "Audit and PII readers limited", "Users' roles: who holds audit:read and pii:read, against the maximums.",
            [CheckInputs.Users, CheckInputs.Compliance], ReadersAsync),
        new("pii-masked", "PII masked for roles without pii:read", "The role model: which roles grant pii:read.",
            [CheckInputs.Compliance], (_, _) => Task.FromResult(PiiMasked())),
        new("erasure-timely", "Erasure requests crypto-shredded within 30 days", "Erased data subjects' keys: destroyed, and when.",
            [CheckInputs.Retention], ErasureAsync),
    ];

    private static async Task<IReadOnlyList<CheckRow>> ChainAsync(CheckContext c, CancellationToken ct)
    {
        var audit = c.Get<AuditFacts>();
        var memory = c.Get<ChainVerifications>();
        // The full verification is the chain verification job's: the newest one recorded, if it is fresh enough to build on.
        var recorded = await audit.LastFullVerificationAsync(ct) is { } r && Fresh(c.Now, r.At, ChainVerifications.RecordedFor) ? r : null;
        var own = memory.LastFull is { } m && Fresh(c.Now, m.At, ChainVerifications.FullEvery) ? m : ((long From, long Through, DateTimeOffset At)?)null;
        if (recorded is not null && (own is null || recorded.At >= own.Value.At))
        {
            if (!recorded.Intact)
            {
                return [Fail(Chain, $"#{recorded.BrokenSequence}",
                    $"The full verification at {recorded.At:HH:mm} UTC (audit entry {recorded.Sequence}) found the chain broken at entry {recorded.BrokenSequence}: {recorded.Detail}", "/audit")];
            }
            return await AppendedSinceAsync(audit, memory, recorded.From, recorded.Through, recorded.At,
                $"by the chain verification job (audit entry {recorded.Sequence})", c.Now, ct);
        }
        if (own is { } full)
        {
            return await AppendedSinceAsync(audit, memory, full.From, full.Through, full.At, "by this check", c.Now, ct);
        }
        // No full verification fresh enough on record (a new console, or one stopped for longer than the job's interval):
        // verify the whole chain here, once, and build on it until the job records one.
        var result = await audit.VerifyChainAsync(ct);
        if (result.Intact)
        {
            memory.Remember(result.FromSequence, result.ToSequence, c.Now);
        }
        else
        {
            memory.Forget();
        }
        return result.Intact
            ? [Pass(Chain, "head", $"Verified entries {result.FromSequence} to {result.ToSequence} ({result.Checked} checked) in full at {c.Now:HH:mm} UTC: intact.", "/audit")]
            : [Fail(Chain, $"#{result.BrokenSequence}", $"The chain is broken at entry {result.BrokenSequence}: {result.Detail ?? result.Problem?.ToString()}.", "/audit")];
    }

    /// <summary>Within <paramref name="window"/> of now; a time a few minutes ahead (another node's clock) counts as now.</summary>
    private static bool Fresh(DateTimeOffset now, DateTimeOffset at, TimeSpan window) => now - at < window && at - now < TimeSpan.FromMinutes(5);

    /// <summary>The entries appended after a full verification, anchored on the last entry it covered.</summary>
    private static async Task<IReadOnlyList<CheckRow>> AppendedSinceAsync(
        AuditFacts audit, ChainVerifications memory, long from, long through, DateTimeOffset at, string by, DateTimeOffset now, CancellationToken ct)
    {
        var appended = await audit.VerifyChainFromAsync(through + 1, ct);
        if (appended.Intact)
        {
            return [Pass(Chain, "head", $"Verified entries {from} to {through} in full at {at:HH:mm} UTC {by}, and the {appended.Checked} appended since at {now:HH:mm} UTC: intact.", "/audit")];
        }
        memory.Forget();
        return [Fail(Chain, $"#{appended.BrokenSequence}", $"The chain is broken at entry {appended.BrokenSequence}: {appended.Detail ?? appended.Problem?.ToString()}.", "/audit")];
    }

    private static async Task<IReadOnlyList<CheckRow>> CheckpointsAsync(CheckContext c, CancellationToken ct)
    {
        var audit = c.Get<AuditFacts>();
        var (head, headTime) = await audit.HeadAsync(ct);
        var latest = await audit.LatestCheckpointAsync(ct);
        var within = TimeSpan.FromMinutes(c.Parameters.CheckpointWithinMinutes);
        if (latest is null)
        {
            return head == 0 || headTime is null || c.Now - headTime < within
                ? [Pass(Chain, "checkpoints", "The trail is younger than the checkpoint interval; none is due yet.", "/audit")]
                : [Fail(Chain, "checkpoints", $"No signed checkpoint exists, and the chain holds {head} entries.", "/audit")];
        }
        if (!latest.Valid)
        {
            return [Fail(Chain, $"checkpoint #{latest.Sequence}", $"The checkpoint at entry {latest.Sequence} does not verify against the audit signing key.", "/audit")];
        }
        // Due when entries were appended after it and the oldest of them has waited longer than the interval.
        return latest.Sequence < head && headTime is { } t && c.Now - latest.Time > within && t > latest.Time
            ? [Fail(Chain, $"checkpoint #{latest.Sequence}", $"The latest checkpoint (entry {latest.Sequence}) is {CheckRegistry.Ago(c.Now, latest.Time)} old while the chain moved on to {head}.", "/audit")]
            : [Pass(Chain, $"checkpoint #{latest.Sequence}", $"Signed checkpoint at entry {latest.Sequence}, {CheckRegistry.Ago(c.Now, latest.Time)} ago; it verifies.", "/audit")];
    }

    private static async Task<IReadOnlyList<CheckRow>> RetentionAsync(CheckContext c, CancellationToken ct)
    {
        var policy = await c.Get<AuditFacts>().RetentionAsync(ct);
        var rows = new List<CheckRow>();
        foreach (var category in policy.Categories)
        {
            var floors = c.EnabledFrameworks.SelectMany(f => f.Retention.Where(r => r.Categories.Contains(category.Category)).Select(r => (f, r))).ToList();
            if (floors.Count == 0)
            {
                rows.Add(NotApplicable("retention category", category.Category, $"No enabled framework sets a floor for '{category.Category}'."));
                continue;
            }
            var (fw, floor) = floors.MaxBy(x => x.r.Days);
            rows.Add(category.Days >= floor.Days
                ? Pass("retention category", category.Category, $"'{category.Category}' is kept {category.Days} days, at or above {fw.Name} {floor.Requirement} ({floor.Days} days).", "/audit/retention")
                : Fail("retention category", category.Category, $"'{category.Category}' is kept {category.Days} days, below {fw.Name} {floor.Requirement} ({floor.Days} days).", "/audit/retention"));
        }
        return rows;
    }

    private static async Task<IReadOnlyList<CheckRow>> CoverageAsync(CheckContext c, CancellationToken ct)
    {
        var audit = c.Get<AuditFacts>();
        var since = c.Now.AddDays(-c.Parameters.InactivityDays);
        var kinds = new (string Name, string Category, string? Prefix)[]
        {
            ("admin actions", AuditCategoryNames.Admin, null),
            ("credential actions", AuditCategoryNames.Key, "key."),
            ("sign-ins", AuditCategoryNames.Access, "signin."),
            ("audit reads", AuditCategoryNames.Audit, null),
        };
        var rows = new List<CheckRow>();
        foreach (var (name, category, prefix) in kinds)
        {
            rows.Add(await audit.AnyAsync(category, prefix, since, ct)
                ? Pass("audit category", category, $"{EventText(name)} are recorded in the '{category}' category.", $"/audit?category={category}")
                : NotApplicable("audit category", category, $"No {name} happened in the last {c.Parameters.InactivityDays} days, so none could be recorded."));
        }
        return rows;
    }

    private static string EventText(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    private static async Task<IReadOnlyList<CheckRow>> FieldsAsync(CheckContext c, CancellationToken ct)
    {
        var recent = await c.Get<AuditFacts>().RecentAsync(1000, ct);
        var rows = recent.Where(e => string.IsNullOrWhiteSpace(e.Category) || string.IsNullOrWhiteSpace(e.Action) || string.IsNullOrWhiteSpace(e.ActorType)
                || string.IsNullOrWhiteSpace(e.ActorId) || string.IsNullOrWhiteSpace(e.Outcome) || e.Time == default)
            .Select(e => Fail("audit entry", $"#{e.Sequence}", $"Entry {e.Sequence} lacks who, what, when or the outcome.", $"/audit?sequence={e.Sequence}"))
            .ToList();
        if (rows.Count == 0)
        {
            rows.Add(Pass("audit trail", "recent entries", $"The {recent.Count} most recent entries each record time, category, action, actor and outcome.", "/audit"));
        }
        return rows;
    }

    private static async Task<IReadOnlyList<CheckRow>> ReadersAsync(CheckContext c, CancellationToken ct)
    {
        var users = (await c.UsersAsync(ct)).Where(u => !u.Locked).ToList();
        var audit = users.Where(u => Roles.PermissionsOf(u.Roles).Contains(Permissions.AuditRead)).ToList();
        var pii = users.Where(u => Roles.PermissionsOf(u.Roles).Contains(Permissions.PiiRead)).ToList();
        var p = c.Parameters;
        return
        [
            audit.Count <= p.MaxAuditReaders
                ? Pass("permission", Permissions.AuditRead, $"{audit.Count} people can read the audit trail (at most {p.MaxAuditReaders}).", "/admin/users")
                : Fail("permission", Permissions.AuditRead, $"{audit.Count} people can read the audit trail; at most {p.MaxAuditReaders} should.", "/admin/users"),
            pii.Count <= p.MaxPiiReaders
                ? Pass("permission", Permissions.PiiRead, $"{pii.Count} people can read personal data unmasked (at most {p.MaxPiiReaders}).", "/admin/users")
                : Fail("permission", Permissions.PiiRead, $"{pii.Count} people can read personal data unmasked; at most {p.MaxPiiReaders} should.", "/admin/users"),
        ];
    }

    private static IReadOnlyList<CheckRow> PiiMasked() =>
        [.. Roles.All.Select(r => !Roles.PermissionsOf(r).Contains(Permissions.PiiRead)
            ? Pass("role", r, $"{r} sees personal data masked.")
            : r == Roles.Admin
                ? Pass("role", r, $"{r} holds pii:read: unmasking is audited (audit.pii_revealed).")
                : r == Roles.SecurityAnalyst
                    ? Pass("role", r, $"{r} holds pii:read to triage alerts: acting on who and from where needs the person and the address (ADR 0065); how many people hold it is limited by the check audit-readers-limited.")
                    : Fail("role", r, $"{r} holds pii:read although it neither administers the console nor triages alerts."))];

    private static async Task<IReadOnlyList<CheckRow>> ErasureAsync(CheckContext c, CancellationToken ct)
    {
        var erasures = await c.Get<AuditFacts>().ErasuresAsync(ct);
        if (erasures.Count == 0)
        {
            return [NotApplicable("erasure", "none", "No erasure has been requested.")];
        }
        return [.. erasures.Select(e => e.KeyDestroyed
            ? Pass("erasure", e.KeyId.ToString(), $"Subject key {e.KeyId} destroyed on {e.ErasedAt:yyyy-MM-dd}: its personal data can no longer be read.")
            : c.Now - e.ErasedAt > TimeSpan.FromDays(c.Parameters.ErasureDays)
                ? Fail("erasure", e.KeyId.ToString(), $"Subject key {e.KeyId} was marked erased {CheckRegistry.Ago(c.Now, e.ErasedAt!.Value)} ago but still exists.")
                : Pass("erasure", e.KeyId.ToString(), $"Subject key {e.KeyId} is due for destruction within {c.Parameters.ErasureDays} days."))];
    }
}
