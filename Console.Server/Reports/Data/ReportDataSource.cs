using System.Globalization;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using KeyRow = SecurityConsole.Server.Reports.Templates.KeyRow;

namespace SecurityConsole.Server.Reports.Data;

/// <summary>
/// Reads a report type's typed data set through the features' own query services, page by page, and aggregates it
/// into the model templates see. Personal data (people's addresses, IPs) is masked unless the owner holds pii:read,
/// the same rule as the audit pages; the audit extract asks the audit reader itself to mask.
/// </summary>
public sealed class ReportDataSource(
    AlertReportQueries alerts, KeyReportQueries keys, AuditReader auditReader, UserReportQueries users, ComplianceReportQueries compliance, TimeProvider clock)
{
    /// <summary>Resolve-by targets per severity (hours): an alert closed later, or still open past it, breached its SLA.</summary>
    public static readonly IReadOnlyDictionary<string, int> SlaHours = new Dictionary<string, int>
    {
        [AlertSeverities.Critical] = 4, [AlertSeverities.High] = 24, [AlertSeverities.Medium] = 72, [AlertSeverities.Low] = 168,
    };

    public async Task<ReportModel> BuildAsync(ReportTypeInfo type, string template, int version, string title, ResolvedParameters p, ReportOwner owner,
        int maxRows, CancellationToken ct)
    {
        var header = new ReportHeader(title, type.Id, template, version, p.From, p.To, p.Period, !owner.MayReadPersonalData,
            [.. p.Filters.Select(f => new ReportFilter(f.Key, f.Value))]);
        return type.Id switch
        {
            ReportTypes.SecuritySummary => new ReportModel { Report = header, Summary = await SummaryAsync(p, owner, maxRows, ct) },
            ReportTypes.KeyInventory => new ReportModel { Report = header, Keys = await KeysAsync(p, owner, maxRows, ct) },
            ReportTypes.AuditExtract => new ReportModel { Report = header, Audit = await AuditAsync(p, owner, maxRows, ct) },
            ReportTypes.AlertTriage => new ReportModel { Report = header, Triage = await TriageAsync(p, owner, maxRows, ct) },
            ReportTypes.AccessReview => new ReportModel { Report = header, Access = await AccessAsync(owner, ct) },
            ReportTypes.CompliancePosture => new ReportModel { Report = header, Posture = await PostureAsync(p, maxRows, ct) },
            _ => throw new ArgumentException($"Unknown report type {type.Id}."),
        };
    }

    /// <summary>Every audit entry of the extract, streamed (the CSV path: no row cap, nothing held in memory).</summary>
    public IAsyncEnumerable<AuditExportRow> AuditEntriesAsync(ResolvedParameters p, ReportOwner owner, CancellationToken ct) =>
        auditReader.ExportRowsAsync(AuditQuery(p), owner.MayReadPersonalData, ct);

    private async Task<SecuritySummaryData> SummaryAsync(ResolvedParameters p, ReportOwner owner, int maxRows, CancellationToken ct)
    {
        var list = await AlertRowsAsync(p, owner, ct);
        var acknowledged = await AcknowledgedAtAsync(p, ct);
        var toAck = list.Where(a => acknowledged.ContainsKey(a.Id)).Select(a => (acknowledged[a.Id] - a.FirstSeen).TotalMinutes).ToList();
        var toResolve = list.Where(a => a.ClosedAt is not null).Select(a => (a.ClosedAt!.Value - a.FirstSeen).TotalMinutes).ToList();
        var days = Math.Clamp((int)Math.Ceiling((p.To - p.From).TotalDays), 1, 366);
        var trend = Enumerable.Range(0, days).Select(d => p.From.UtcDateTime.Date.AddDays(d))
            .Select(day => new CountItem(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), list.LongCount(a => a.FirstSeen.UtcDateTime.Date == day))).ToList();
        var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday };
        var heat = new HeatmapData([.. weekdays.Select(d => d.ToString()[..3])], [.. Enumerable.Range(0, 24).Select(h => h.ToString("00", CultureInfo.InvariantCulture))],
            [.. weekdays.Select(d => (IReadOnlyList<long>)[.. Enumerable.Range(0, 24).Select(h => list.LongCount(a => a.FirstSeen.UtcDateTime.DayOfWeek == d && a.FirstSeen.UtcDateTime.Hour == h))])]);
        return new SecuritySummaryData(list.Count, list.LongCount(a => AlertStatuses.IsActive(a.Status)), list.LongCount(a => !AlertStatuses.IsActive(a.Status)),
            [.. AlertSeverities.All.Select(s => new CountItem(s, list.LongCount(a => a.Severity == s)))],
            Top(list.Select(a => a.Rule), 10), Top(list.Select(a => a.Entity), 10), trend, heat,
            toAck.Count > 0 ? Math.Round(toAck.Average(), 2) : null, toResolve.Count > 0 ? Math.Round(toResolve.Average(), 2) : null,
            [.. list.Take(maxRows)]);
    }

    private async Task<TriageData> TriageAsync(ResolvedParameters p, ReportOwner owner, int maxRows, CancellationToken ct)
    {
        var list = await AlertRowsAsync(p, owner, ct);
        var open = list.Where(a => AlertStatuses.IsActive(a.Status)).ToList();
        var breached = list.LongCount(a => a.SlaBreached);
        return new TriageData(open.Count, list.Count - open.Count, breached, list.Count == 0 ? 100 : Math.Round(100.0 * (list.Count - breached) / list.Count, 2),
            [.. AlertSeverities.All.Select(s => new CountItem(s, open.LongCount(a => a.Severity == s)))],
            Top(list.Select(a => a.Assignee ?? "unassigned"), 10),
            [.. AlertSeverities.All.Select(s => new SlaTarget(s, SlaHours[s], list.LongCount(a => a.Severity == s && !a.SlaBreached), list.LongCount(a => a.Severity == s && a.SlaBreached)))],
            [.. list.OrderByDescending(a => a.SlaBreached).ThenBy(a => AlertSeverities.Rank(a.Severity)).ThenBy(a => a.Id).Take(maxRows)]);
    }

    private async Task<List<AlertRow>> AlertRowsAsync(ResolvedParameters p, ReportOwner owner, CancellationToken ct)
    {
        var facts = new List<AlertReportRow>();
        await foreach (var a in alerts.AlertsAsync(p.From, p.To, p.Filter("severity"), ct))
        {
            facts.Add(a);
        }
        var assignees = new Dictionary<string, string>();
        foreach (var id in facts.Select(a => a.AssigneeUserId).OfType<string>().Distinct())
        {
            assignees[id] = Person(await users.EmailOfAsync(id, ct) ?? id, owner);
        }
        // Open alerts are measured at the period's end (or now, if sooner): a closed period always gives the same answer.
        var end = p.To < clock.GetUtcNow() ? p.To : clock.GetUtcNow();
        return [.. facts.Select(a =>
        {
            var target = TimeSpan.FromHours(SlaHours.GetValueOrDefault(a.Severity, 168));
            var closedIn = a.ClosedAt is { } c && c <= p.To ? c - a.FirstSeenAt : (TimeSpan?)null;
            var breached = closedIn is { } t ? t > target : end - a.FirstSeenAt > target;
            // Personal data by field (ADR 0065): a person or an address entity masked, the title built from its masked parts.
            var entity = owner.MayReadPersonalData ? a.EntityId : a.EntityKind switch
            {
                EntityKinds.Ip => Masking.Ip(a.EntityId),
                EntityKinds.User => Masking.Person(a.EntityId),
                _ => a.EntityId,
            };
            var title = owner.MayReadPersonalData ? PersonalText.Reveal(a.Title)! : PersonalText.Mask(a.Title, Masking.Person, untyped: $"{a.RuleId}: {entity}")!;
            return new AlertRow(a.Id, a.Severity, closedIn is null && AlertStatuses.IsActive(a.Status) ? a.Status : a.Status, a.RuleId, $"{a.EntityKind}:{entity}",
                title, a.FirstSeenAt, a.LastSeenAt, a.Count, a.AssigneeUserId is { } u ? assignees[u] : null, closedIn is null ? null : a.ClosedAt,
                closedIn is { } m ? Math.Round(m.TotalMinutes, 2) : null, breached);
        })];
    }

    /// <summary>When each alert was first acknowledged, from the audit trail (alerts carry no acknowledgement time of their own).</summary>
    private async Task<Dictionary<long, DateTimeOffset>> AcknowledgedAtAsync(ResolvedParameters p, CancellationToken ct)
    {
        var at = new Dictionary<long, DateTimeOffset>();
        await foreach (var e in auditReader.ExportRowsAsync(new AuditSearchQuery(From: p.From, To: p.To, Action: AuditActions.AlertAcknowledged), false, ct))
        {
            if (long.TryParse(e.TargetId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && (!at.TryGetValue(id, out var t) || e.Time < t))
            {
                at[id] = e.Time;
            }
        }
        return at;
    }

    private async Task<KeyInventoryData> KeysAsync(ResolvedParameters p, ReportOwner owner, int maxRows, CancellationToken ct)
    {
        var usage = await keys.UsageAsync(p.From, p.To, ct);
        var rows = new List<KeyRow>();
        await foreach (var k in keys.KeysAsync(p.Filter("environment"), p.To, ct))
        {
            var live = k.Status is not (KeyStatuses.Revoked or KeyStatuses.Expired);
            var unused = live && (k.LastUsedAt is null || p.To - k.LastUsedAt > TimeSpan.FromDays(30));
            rows.Add(new KeyRow(k.Name, k.DisplayKey, Person(k.OwnerEmail ?? k.OwnerUserId, owner), k.Service, k.Environment, k.Status,
                (int)(p.To - k.CreatedAt).TotalDays, k.LastUsedAt, k.RotationOverdue, unused, usage.GetValueOrDefault(k.Id)));
        }
        rows = [.. rows.OrderBy(r => r.Environment, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Key, StringComparer.Ordinal)];
        (string Label, int Max)[] buckets = [("under 30 days", 30), ("30-89 days", 90), ("90-179 days", 180), ("180-364 days", 365), ("a year or more", int.MaxValue)];
        return new KeyInventoryData(rows.Count, Count(rows.Select(r => r.State)), Count(rows.Select(r => r.Environment)),
            [.. buckets.Select((b, i) => new CountItem(b.Label, rows.LongCount(r => r.AgeDays < b.Max && (i == 0 || r.AgeDays >= buckets[i - 1].Max))))],
            rows.LongCount(r => r.RotationOverdue), rows.LongCount(r => r.Unused),
            [.. rows.Where(r => r.Uses > 0).OrderByDescending(r => r.Uses).ThenBy(r => r.Key, StringComparer.Ordinal).Take(10).Select(r => new CountItem($"{r.Name} ({r.Key})", r.Uses))],
            [.. rows.Take(maxRows)]);
    }

    private async Task<AuditExtractData> AuditAsync(ResolvedParameters p, ReportOwner owner, int maxRows, CancellationToken ct)
    {
        var rows = new List<AuditRow>();
        var byAction = new Dictionary<string, long>(StringComparer.Ordinal);
        var byOutcome = new Dictionary<string, long>(StringComparer.Ordinal);
        long count = 0;
        await foreach (var e in AuditEntriesAsync(p, owner, ct))
        {
            count++;
            byAction[e.Action] = byAction.GetValueOrDefault(e.Action) + 1;
            byOutcome[e.Outcome] = byOutcome.GetValueOrDefault(e.Outcome) + 1;
            if (rows.Count < maxRows)
            {
                rows.Add(Row(e));
            }
        }
        return new AuditExtractData(count, Ordered(byAction, 15), Ordered(byOutcome, 10), rows);
    }

    public static AuditRow Row(AuditExportRow e) => new(e.Sequence, e.Time, e.Category, e.Action, $"{e.ActorType}:{e.ActorId}",
        e.TargetType is null ? e.TargetId : $"{e.TargetType}:{e.TargetId}", e.Outcome, e.SourceIp,
        e.Personal is null ? "" : string.Join("; ", e.Personal.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value}")));

    private async Task<AccessReviewData> AccessAsync(ReportOwner owner, CancellationToken ct)
    {
        var people = await users.UsersAsync(ct);
        var rows = people.Select(u =>
        {
            var permissions = Roles.PermissionsOf(u.Roles);
            var privileged = permissions.Contains(Permissions.UsersManage) || permissions.Contains(Permissions.KeysWrite) || permissions.Contains(Permissions.AuditManage);
            var finding = privileged && !u.TwoFactor ? "privileged without two-factor"
                : u.Roles.Count == 0 ? "no role"
                : u.LastSignInAt is null ? "never signed in"
                : "";
            return new AccessRow(Person(u.Email, owner), u.Roles, permissions.Count, privileged, u.TwoFactor, u.Locked, finding);
        }).ToList();
        return new AccessReviewData(rows.Count, rows.LongCount(r => r.Privileged), rows.LongCount(r => !r.TwoFactor),
            [.. Roles.All.Select(r => new CountItem(r, rows.LongCount(x => x.Roles.Contains(r))))], rows);
    }

    /// <summary>
    /// Compliance posture per enabled framework at the period's end (or now, if sooner), read through the compliance
    /// feature's report door. Requirements are listed worst first; the trend is the pass rate per day, in percent.
    /// </summary>
    private async Task<PostureData> PostureAsync(ResolvedParameters p, int maxRows, CancellationToken ct)
    {
        var at = p.To < clock.GetUtcNow() ? p.To : clock.GetUtcNow();
        return Posture(await compliance.PostureAsync(p.From, at, p.Filter("framework"), ct), maxRows);
    }

    /// <summary>The posture model a template sees, from the compliance feature's facts (also an evidence pack's report).</summary>
    public static PostureData Posture(IReadOnlyList<FrameworkPostureFact> facts, int maxRows)
    {
        var all = new List<PostureRequirement>();
        var frameworks = new List<FrameworkPosture>();
        foreach (var f in facts)
        {
            var rows = f.Requirements
                .Select(r => new PostureRequirement(f.Id, r.Id, r.Title, r.Family, r.Status, r.Automated, string.Join(" ", r.Controls)))
                .OrderByDescending(r => ComplianceStatuses.Rank(r.Status)).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
            all.AddRange(rows);
            var evaluated = rows.LongCount(r => ComplianceStatuses.IsEvaluated(r.Status));
            var passing = rows.LongCount(r => ComplianceStatuses.IsPassing(r.Status));
            frameworks.Add(new FrameworkPosture(f.Id, f.Name, f.Version, f.Link, evaluated == 0 ? null : Math.Round(100.0 * passing / evaluated, 1), evaluated, passing,
                rows.Count, rows.Count == 0 ? 0 : Math.Round(100.0 * rows.Count(r => r.Automated) / rows.Count, 1),
                [.. ComplianceStatuses.All.Select(s => new CountItem(ComplianceStatuses.Display(s), rows.LongCount(r => r.Status == s))).Where(c => c.Count > 0)],
                [.. f.Trend.Select(d => new CountItem(d.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    d.Evaluated == 0 ? 0 : (long)Math.Round(100.0 * d.Passing / d.Evaluated)))],
                [.. rows.Where(r => !ComplianceStatuses.IsPassing(r.Status) && r.Status != ComplianceStatuses.NotApplicable).Take(15)],
                [.. f.Controls.Select(c => new PostureControl(c.Id, c.Title, c.Automated, c.Status ?? ComplianceStatuses.Error, c.DaysPassing, c.DaysKnown,
                    c.ShareOfDays is { } share ? Math.Floor(share * 1000) / 10 : null, c.Summary))]));
        }
        return new PostureData(ComplianceScope.Statement, frameworks.Count, all.Count, all.LongCount(r => r.Status == ComplianceStatuses.Fail),
            frameworks, [.. all.Take(maxRows)]);
    }

    private static AuditSearchQuery AuditQuery(ResolvedParameters p) => new(From: p.From, To: p.To, Actor: p.Filter("actor"), Action: p.Filter("action"),
        Category: p.Filter("category"), Outcome: p.Filter("outcome"));

    private static string Person(string email, ReportOwner owner) => owner.MayReadPersonalData ? email : PersonalData.Mask("email", email);

    private static List<CountItem> Top(IEnumerable<string> values, int n) =>
        [.. values.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.LongCount()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(n)
            .Select(g => new CountItem(g.Key, g.LongCount()))];

    private static List<CountItem> Count(IEnumerable<string> values) =>
        [.. values.GroupBy(v => v, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new CountItem(g.Key, g.LongCount()))];

    private static List<CountItem> Ordered(Dictionary<string, long> counts, int n) =>
        [.. counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(n).Select(c => new CountItem(c.Key, c.Value))];
}
