using System.Linq.Expressions;
using System.Text.Json;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;
using static SecurityConsole.Server.Compliance.Checks.CheckRow;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>Checks over detection (AlertFacts): the pipeline's backlog, the built-in rules, triage SLAs and the breach clock.</summary>
public static class DetectionChecks
{
    /// <summary>Events waiting longer than this for detection mean the pipeline is behind.</summary>
    public static readonly TimeSpan MaxBacklogAge = TimeSpan.FromMinutes(5);

    public static IEnumerable<CheckDefinition> All =>
    [
        new("detection-current", "Detection pipeline current and rules enabled", "The oldest detection backlog entry and the built-in rules' enabled flags.",
            [CheckInputs.Alerts], CurrentAsync),
        new("alert-triage-sla", "High and critical alerts triaged within their SLA", "Open high and critical alerts' age against the triage hours.",
            [CheckInputs.Alerts, CheckInputs.Compliance], TriageAsync),
        new("breach-notification-clock", "Breach-notification clock", "Alerts of the rules marked as signalling a personal-data breach, against the notification hours.",
            [CheckInputs.Alerts, CheckInputs.Compliance], BreachAsync),
    ];

    private static async Task<IReadOnlyList<CheckRow>> CurrentAsync(CheckContext c, CancellationToken ct)
    {
        var alerts = c.Get<AlertFacts>();
        var rows = new List<CheckRow>();
        var oldest = await alerts.OldestBacklogAsync(ct);
        rows.Add(oldest is { } o && c.Now - o > MaxBacklogAge
            ? Fail("detection pipeline", "backlog", $"Events have waited {CheckRegistry.Ago(c.Now, o)} for detection; the pipeline is behind.", "/threats")
            : Pass("detection pipeline", "backlog", oldest is null ? "No events wait for detection." : "Waiting events are within five minutes of arrival.", "/threats"));
        foreach (var rule in (await alerts.RulesAsync(ct)).Where(r => r.BuiltIn))
        {
            rows.Add(rule.Enabled
                ? Pass("detection rule", rule.Id, $"Built-in rule '{rule.Name}' is enabled.", "/alerts/rules")
                : Fail("detection rule", rule.Id, $"Built-in rule '{rule.Name}' is disabled.", "/alerts/rules"));
        }
        return rows;
    }

    private static async Task<IReadOnlyList<CheckRow>> TriageAsync(CheckContext c, CancellationToken ct)
    {
        // Counted and filtered in the database; only the alerts the page shows are read (ADR 0119).
        var p = c.Parameters;
        var alerts = c.Get<AlertFacts>();
        var rows = new RowCollector(c.Limits);
        var critical = c.Now.AddHours(-p.CriticalTriageHours);
        var high = c.Now.AddHours(-p.HighTriageHours);
        Expression<Func<Alert, bool>> late = a => a.Status == AlertStatuses.Open
            && ((a.Severity == AlertSeverities.Critical && a.CreatedAt < critical) || (a.Severity == AlertSeverities.High && a.CreatedAt < high));
        Expression<Func<Alert, bool>> inTime = a => a.Status == AlertStatuses.Open
            && ((a.Severity == AlertSeverities.Critical && a.CreatedAt >= critical) || (a.Severity == AlertSeverities.High && a.CreatedAt >= high));
        TimeSpan Sla(AlertFact a) => TimeSpan.FromHours(a.Severity == AlertSeverities.Critical ? p.CriticalTriageHours : p.HighTriageHours);
        await rows.AddAsync(ComplianceStatuses.Fail, () => alerts.CountAsync(late, ct), async n => (await alerts.WhereAsync(late, n, ct)).Select(a =>
            Fail("alert", $"#{a.Id}", $"{a.Severity} alert #{a.Id} \"{a.Title}\" has waited {CheckRegistry.Ago(c.Now, a.CreatedAt)} for triage; its SLA is {Sla(a).TotalHours:0} hours.", $"/alerts/{a.Id}")));
        await rows.AddAsync(ComplianceStatuses.Pass, () => alerts.CountAsync(inTime, ct), async n => (await alerts.WhereAsync(inTime, n, ct)).Select(a =>
            Pass("alert", $"#{a.Id}", $"{a.Severity} alert #{a.Id} is open for {CheckRegistry.Ago(c.Now, a.CreatedAt)}, within {Sla(a).TotalHours:0} hours.", $"/alerts/{a.Id}")));
        if (rows.Total == 0)
        {
            rows.Add(Pass("alerts", "high and critical", "No high or critical alert waits for triage."));
        }
        return rows.Rows();
    }

    private static async Task<IReadOnlyList<CheckRow>> BreachAsync(CheckContext c, CancellationToken ct)
    {
        var rules = c.Parameters.BreachRuleIds ?? [];
        if (rules.Count == 0)
        {
            return [NotApplicable("parameter", "breachRuleIds", "No detection rule is marked as signalling a personal-data breach.")];
        }
        var limit = TimeSpan.FromHours(c.Parameters.BreachNotifyHours);
        var rows = new List<CheckRow>();
        foreach (var rule in rules)
        {
            foreach (var a in await c.Get<AlertFacts>().OfRuleAsync(rule, c.Now.AddDays(-30), ct))
            {
                var closed = a.ClosedAt is { } at ? at : (DateTimeOffset?)null;
                rows.Add(closed is { } done && done - a.CreatedAt <= limit || closed is null && c.Now - a.CreatedAt <= limit
                    ? Pass("alert", $"#{a.Id}", $"Breach alert #{a.Id} is {(closed is null ? "within" : "closed within")} {c.Parameters.BreachNotifyHours} hours.", $"/alerts/{a.Id}")
                    : Fail("alert", $"#{a.Id}", $"Breach alert #{a.Id} \"{a.Title}\" passed its {c.Parameters.BreachNotifyHours}-hour notification clock.", $"/alerts/{a.Id}"));
            }
        }
        return rows.Count > 0 ? rows : [Pass("alerts", "breach", "No personal-data breach alert in the last 30 days.")];
    }

    internal static bool IsTrue(string? json, string property)
    {
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.True;
    }
}
