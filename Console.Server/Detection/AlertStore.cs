using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Turns detections into alerts, in one transaction with the deletion of the batch's backlog entry: either the
/// batch's alerts exist and the batch is done, or neither. A detection joins the newest active alert of the same
/// rule and entity whose last hit is within the rule's grouping window; otherwise it raises a new alert (audited).
/// </summary>
public sealed class AlertStore(IServiceScopeFactory scopes, TimeProvider clock)
{
    /// <summary>
    /// The alerts raised or changed, as browsers show them, read in the transaction that wrote them, so nothing reads
    /// them again to tell browsers; null, and nothing stored, when another node had already taken any of the batches
    /// (<paramref name="backlogIds"/>: the backlog entries of the events these detections come from, deleted here).
    /// </summary>
    public async Task<List<AlertView>?> ApplyAsync(IReadOnlyList<RuleHit> detections, IReadOnlyCollection<long> backlogIds, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("detection"));
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (backlogIds.Count > 0 && await db.DetectionBacklog.Where(b => backlogIds.Contains(b.Id)).ExecuteDeleteAsync(ct) != backlogIds.Count)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var changed = new List<long>();
        var raised = new List<(Alert Alert, List<RuleHit> Hits)>();
        var fired = new Dictionary<string, (int Count, DateTimeOffset Last)>(StringComparer.Ordinal);
        foreach (var group in detections.GroupBy(d => (d.Rule.Id, d.Finding.EntityKind, d.Finding.EntityId)))
        {
            var rule = group.Last().Rule;
            var first = group.First().Finding;
            var last = group.MaxBy(d => d.Finding.At)!.Finding;
            var n = group.Count();
            fired[rule.Id] = (fired.GetValueOrDefault(rule.Id).Count + n,
                fired.TryGetValue(rule.Id, out var f) && f.Last > last.At ? f.Last : last.At);
            var details = JsonSerializer.Serialize(last.Details);
            if (await GroupIntoActiveAsync(db, rule, first, last, n, details, now, ct) is { } joined)
            {
                AddOccurrences(db, joined, group);
                changed.Add(joined);
                continue;
            }
            var alert = new Alert
            {
                RuleId = rule.Id,
                Severity = rule.Severity,
                Status = AlertStatuses.Open,
                EntityKind = first.EntityKind,
                EntityId = Truncate(first.EntityId, 256),
                Title = Truncate(PersonalText.Typed(last.TitleFor(n)), 256),
                Summary = last.Summary is { } summary ? Truncate(PersonalText.Typed(summary), 512) : null,
                FirstSeenAt = group.Min(d => d.Finding.At),
                LastSeenAt = last.At,
                Count = n,
                Details = details,
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
            };
            db.Alerts.Add(alert);
            raised.Add((alert, [.. group]));
        }
        if (raised.Count > 0)
        {
            await db.SaveChangesAsync(ct);
            foreach (var (alert, hits) in raised)
            {
                // The entity may be a person (email, address): kept out of the chain's clear data.
                audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.AlertRaised, "alert", alert.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Data: new { rule = alert.RuleId, severity = alert.Severity, entityKind = alert.EntityKind },
                    Personal: new { entity = alert.EntityId, title = PersonalText.Reveal(alert.Title) }));
                AddOccurrences(db, alert.Id, hits);
                changed.Add(alert.Id);
            }
        }
        foreach (var (ruleId, (count, lastAt)) in fired)
        {
            await db.DetectionRules.Where(r => r.Id == ruleId).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.FiredCount, r => r.FiredCount + count)
                .SetProperty(r => r.LastFiredAt, lastAt), ct);
        }
        await db.SaveChangesAsync(ct);
        // Grouped hits update their alert in the database (ExecuteUpdate), so the views are read here, before the commit.
        List<AlertView> views = changed.Count == 0 ? [] : await db.Alerts.AsNoTracking().Where(a => changed.Contains(a.Id)).ToViewsAsync(db, ct);
        await tx.CommitAsync(ct);
        return views;
    }

    private static async Task<long?> GroupIntoActiveAsync(
        ConsoleDbContext db, CompiledRule rule, Finding first, Finding last, int n, string details, DateTimeOffset now, CancellationToken ct)
    {
        var since = first.At - rule.Grouping;
        var entity = Truncate(first.EntityId, 256);
        var existing = await db.Alerts.AsNoTracking()
            .Where(a => a.RuleId == rule.Id && a.EntityKind == first.EntityKind && a.EntityId == entity
                && (a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged) && a.LastSeenAt >= since)
            .OrderByDescending(a => a.Id)
            .Select(a => new { a.Id, a.LastSeenAt, a.Severity, a.Count })
            .FirstOrDefaultAsync(ct);
        if (existing is null)
        {
            return null;
        }
        var lastSeen = existing.LastSeenAt > last.At ? existing.LastSeenAt : last.At;
        var severity = AlertSeverities.Rank(rule.Severity) > AlertSeverities.Rank(existing.Severity) ? rule.Severity : existing.Severity;
        // Read before the update: a node grouping into the same alert at the same moment can leave the count in the
        // title one behind the Count column, until the next hit.
        var title = Truncate(PersonalText.Typed(last.TitleFor(existing.Count + n)), 256);
        var summary = last.Summary is { } s ? Truncate(PersonalText.Typed(s), 512) : null;
        // Conditional on still being active: an analyst who resolved it a moment ago wins, and the hit raises a new alert.
        var updated = await db.Alerts
            .Where(a => a.Id == existing.Id && (a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged))
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Count, a => a.Count + n)
                .SetProperty(a => a.LastSeenAt, lastSeen)
                .SetProperty(a => a.Title, title)
                .SetProperty(a => a.Summary, summary)
                .SetProperty(a => a.Details, details)
                .SetProperty(a => a.Severity, severity)
                .SetProperty(a => a.UpdatedAt, now)
                .SetProperty(a => a.Version, a => a.Version + 1), ct);
        return updated == 1 ? existing.Id : null;
    }

    private static void AddOccurrences(ConsoleDbContext db, long alertId, IEnumerable<RuleHit> hits)
    {
        foreach (var hit in hits)
        {
            db.AlertOccurrences.Add(new AlertOccurrence { AlertId = alertId, At = hit.Finding.At, Title = Truncate(PersonalText.Typed(hit.Finding.Title), 256), EventId = hit.Finding.EventId });
        }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
