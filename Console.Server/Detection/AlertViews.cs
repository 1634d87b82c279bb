using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection;

/// <summary>Alerts as the API shows them: with the rule's name and type and the assignee's email.</summary>
public static class AlertViews
{
    public static async Task<List<AlertView>> ToViewsAsync(this IQueryable<Alert> alerts, ConsoleDbContext db, CancellationToken ct)
    {
        var rows = await (from a in alerts
                          join r in db.DetectionRules on a.RuleId equals r.Id into rules
                          from r in rules.DefaultIfEmpty()
                          join u in db.Users on a.AssigneeUserId equals u.Id into users
                          from u in users.DefaultIfEmpty()
                          select new { a, RuleName = r == null ? null : r.Name, RuleType = r == null ? null : r.Type, Email = u == null ? null : u.Email })
            .ToListAsync(ct);
        return [.. rows.Select(x => View(x.a, x.RuleName ?? x.a.RuleId, x.RuleType ?? "", x.Email))];
    }

    public static AlertView View(Alert a, string ruleName, string ruleType, string? assigneeEmail) => new(
        a.Id, a.RuleId, ruleName, ruleType, a.Severity, a.Status, a.EntityKind, a.EntityId, a.Title, a.FirstSeenAt, a.LastSeenAt, a.Count,
        a.AssigneeUserId, assigneeEmail, a.NoteCount, Json(a.Details), a.CreatedAt, a.UpdatedAt, a.ClosedAt, a.Version, a.Summary);

    public static JsonElement? Json(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public static SecurityEventView View(SecurityEvent e) => new(
        e.Id, e.Time, e.ReceivedAt, e.Type, e.Source, e.Actor, e.KeyPrefix, e.SourceIp, e.Outcome, Json(e.Attributes));
}
