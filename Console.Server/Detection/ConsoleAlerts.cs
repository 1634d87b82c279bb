using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Alerts the console raises about its own state (a compliance control that changed), not from security events: the
/// Detection feature's door for other features. Like a rule's detections, a new finding joins the active alert of the
/// same source and entity, else raises a new one (audited). Everything is added to the caller's DbContext, so it commits
/// with the caller's change. Before its commit the caller reads what it wrote with <see cref="ViewsAsync"/>, and after the
/// commit hands those views to <see cref="AlertBroadcaster.BroadcastAsync"/>: nothing is read again after the commit.
/// </summary>
public sealed class ConsoleAlerts(ConsoleDbContext db, AuditTrail audit, TimeProvider clock)
{
    public async Task<Alert> RaiseAsync(string source, string severity, string entityKind, string entityId, string title, string? summary, object? details, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var json = details is null ? null : JsonSerializer.Serialize(details);
        var active = await Active(source, entityKind, entityId).OrderByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (active is not null)
        {
            active.Count++;
            active.Title = Cut(PersonalText.Typed(PersonalText.Strip(title)), 256);
            active.Summary = summary is null ? null : Cut(PersonalText.Typed(PersonalText.Strip(summary)), 512);
            active.Details = json;
            active.LastSeenAt = now;
            active.UpdatedAt = now;
            active.Version++;
            if (AlertSeverities.Rank(severity) > AlertSeverities.Rank(active.Severity))
            {
                active.Severity = severity;
            }
            db.AlertOccurrences.Add(new AlertOccurrence { AlertId = active.Id, At = now, Title = Cut(PersonalText.Typed(PersonalText.Strip(title)), 256), EventId = 0 });
            return active;
        }
        var alert = new Alert
        {
            RuleId = source,
            Severity = severity,
            Status = AlertStatuses.Open,
            EntityKind = entityKind,
            EntityId = Cut(entityId, 256),
            Title = Cut(PersonalText.Typed(PersonalText.Strip(title)), 256),
            Summary = summary is null ? null : Cut(PersonalText.Typed(PersonalText.Strip(summary)), 512),
            FirstSeenAt = now,
            LastSeenAt = now,
            Count = 1,
            Details = json,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        db.Alerts.Add(alert);
        await db.SaveChangesAsync(ct);
        audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.AlertRaised, "alert", alert.Id.ToString(CultureInfo.InvariantCulture),
            Data: new { rule = source, severity, entityKind, entity = alert.EntityId, title = PersonalText.Reveal(alert.Title) }));
        db.AlertOccurrences.Add(new AlertOccurrence { AlertId = alert.Id, At = now, Title = alert.Title, EventId = 0 });
        return alert;
    }

    /// <summary>
    /// Closes the active alerts of a source and entity because what raised them is over (a control passing again): each
    /// is resolved by the system, with the reason as its last occurrence, and audited. Returns them for the broadcast.
    /// </summary>
    public async Task<IReadOnlyList<Alert>> ResolveAsync(string source, string entityKind, string entityId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var active = await Active(source, entityKind, entityId).ToListAsync(ct);
        foreach (var alert in active)
        {
            var from = alert.Status;
            alert.Status = AlertStatuses.Resolved;
            alert.ClosedAt = now;
            alert.ClosedBy = SystemActor;
            alert.UpdatedAt = now;
            alert.Version++;
            db.AlertOccurrences.Add(new AlertOccurrence { AlertId = alert.Id, At = now, Title = Cut(PersonalText.Typed(PersonalText.Strip(reason)), 256), EventId = 0 });
            audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.AlertResolved, "alert", alert.Id.ToString(CultureInfo.InvariantCulture),
                Data: new { from, to = AlertStatuses.Resolved, reason = Cut(reason, 256) }));
        }
        return active;
    }

    /// <summary>Which of <paramref name="entityIds"/> have an open or acknowledged alert of a source: one query for many entities.</summary>
    public async Task<HashSet<string>> WithActiveAlertsAsync(string source, string entityKind, IReadOnlyCollection<string> entityIds, CancellationToken ct) =>
        [.. await Active(source, entityKind).Where(a => entityIds.Contains(a.EntityId)).Select(a => a.EntityId).Distinct().ToListAsync(ct)];

    /// <summary>
    /// The alerts the caller raised or resolved, as the API shows them, read in the caller's transaction once it has saved
    /// them (as <see cref="AlertStore"/> reads what it wrote): what the caller broadcasts after its commit.
    /// </summary>
    public async Task<List<AlertView>> ViewsAsync(IEnumerable<Alert> written, CancellationToken ct)
    {
        var ids = written.Select(a => a.Id).Distinct().ToList();
        return ids.Count == 0 ? [] : await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToViewsAsync(db, ct);
    }

    /// <summary>The open or acknowledged alerts of one source and entity: what a new finding joins and a recovery closes.</summary>
    private IQueryable<Alert> Active(string source, string entityKind, string entityId) =>
        Active(source, entityKind).Where(a => a.EntityId == entityId);

    private IQueryable<Alert> Active(string source, string entityKind) =>
        db.Alerts.Where(a => a.RuleId == source && a.EntityKind == entityKind
            && (a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged));

    /// <summary>Who closed an alert the console closed by itself.</summary>
    public const string SystemActor = "system";

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
