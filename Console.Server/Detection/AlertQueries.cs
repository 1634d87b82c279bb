using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection;

/// <summary>Which alerts a list asks for; null means any. The endpoint has read and checked the query string.</summary>
public sealed record AlertFilter(
    IReadOnlyList<string>? Severities, IReadOnlyList<string>? Statuses, string? RuleId, string? EntityKind, string? EntityId,
    string? AssigneeUserId, DateTimeOffset? From, DateTimeOffset? To, long? Before, int Take);

/// <summary>Which security events a search asks for; null means any. Type is exact, or a prefix when it ends in ".*".</summary>
public sealed record EventFilter(
    string? Type, string? Source, string? Actor, string? KeyPrefix, string? SourceIp, string? Outcome,
    DateTimeOffset? From, DateTimeOffset? To, long? Before, int Take);

/// <summary>
/// The reads of alerts and events the API answers with: filtered, sorted and paged by the database, untracked, as view
/// records. Endpoints parse the request and call these; nothing here knows HTTP.
/// </summary>
public sealed class AlertQueries(ConsoleDbContext db, TimeProvider clock)
{
    /// <summary>How far back each catch-up answer reaches again, so that a change committed late is not skipped.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <summary>Alerts newest first, keyset-paged by id, with the cursor from which <see cref="ChangesAsync"/> goes on.</summary>
    public async Task<AlertPage> ListAsync(AlertFilter f, CancellationToken ct)
    {
        var query = db.Alerts.AsNoTracking();
        query = f.Severities is null ? query : query.Where(a => f.Severities.Contains(a.Severity));
        query = f.Statuses is null ? query : query.Where(a => f.Statuses.Contains(a.Status));
        query = f.RuleId is null ? query : query.Where(a => a.RuleId == f.RuleId);
        query = f.EntityKind is null ? query : query.Where(a => a.EntityKind == f.EntityKind);
        query = f.EntityId is null ? query : query.Where(a => a.EntityId == f.EntityId);
        query = f.AssigneeUserId is null ? query : query.Where(a => a.AssigneeUserId == f.AssigneeUserId);
        query = f.From is null ? query : query.Where(a => a.LastSeenAt >= f.From);
        query = f.To is null ? query : query.Where(a => a.LastSeenAt < f.To);
        query = f.Before is null ? query : query.Where(a => a.Id < f.Before);
        var cursor = ChangeCursor.Format(clock.GetUtcNow() - Settle, 0);
        var items = (await query.OrderByDescending(a => a.Id).Take(f.Take + 1).ToViewsAsync(db, ct)).OrderByDescending(a => a.Id).ToList();
        var page = items.Take(f.Take).ToList();
        return new AlertPage(page, items.Count > f.Take ? page[^1].Id : null, cursor);
    }

    /// <summary>Alerts changed after <paramref name="since"/> (none: only a cursor to start from), oldest change first.</summary>
    public async Task<AlertChanges> ChangesAsync((DateTimeOffset At, long Id)? since, int take, CancellationToken ct)
    {
        var settle = clock.GetUtcNow() - Settle;
        if (since is not { } cursor)
        {
            return new AlertChanges([], ChangeCursor.Format(settle, 0), false);
        }
        var (at, id) = cursor;
        var items = (await db.Alerts.AsNoTracking()
                .Where(a => a.UpdatedAt > at || (a.UpdatedAt == at && a.Id > id))
                .OrderBy(a => a.UpdatedAt).ThenBy(a => a.Id).Take(take + 1)
                .ToViewsAsync(db, ct))
            .OrderBy(a => a.UpdatedAt).ThenBy(a => a.Id).ToList();
        var more = items.Count > take;
        var page = items.Take(take).ToList();
        // The last page hands back a cursor a few seconds in the past: those seconds are sent again next time.
        var next = more ? (page[^1].UpdatedAt, page[^1].Id) : (at > settle ? cursor : (settle, 0));
        return new AlertChanges(page, ChangeCursor.Format(next.Item1, next.Item2), more);
    }

    /// <summary>One alert with its notes, occurrences and the entity's events around it; null when there is none.</summary>
    public async Task<AlertDetail?> DetailAsync(long alertId, CancellationToken ct)
    {
        var alert = (await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).ToViewsAsync(db, ct)).SingleOrDefault();
        if (alert is null)
        {
            return null;
        }
        var notes = await (from n in db.AlertNotes.AsNoTracking()
                           where n.AlertId == alertId
                           join u in db.Users on n.AuthorUserId equals u.Id into authors
                           from u in authors.DefaultIfEmpty()
                           orderby n.Id
                           select new AlertNoteView(n.Id, n.AuthorUserId, u == null ? null : u.Email, n.Text, n.CreatedAt)).ToListAsync(ct);
        var occurrences = await db.AlertOccurrences.AsNoTracking().Where(o => o.AlertId == alertId)
            .OrderByDescending(o => o.At).ThenByDescending(o => o.Id).Take(100)
            .Select(o => new AlertOccurrenceView(o.At, o.Title, o.EventId)).ToListAsync(ct);
        var from = alert.FirstSeenAt.AddHours(-1);
        var to = alert.LastSeenAt.AddMinutes(1);
        var events = await ThreatAnalytics.EventsOf(db, alert.EntityKind, alert.EntityId)
            .Where(e => e.Time >= from && e.Time <= to).OrderByDescending(e => e.Id).Take(50).ToListAsync(ct);
        return new AlertDetail(alert, notes, [.. events.Select(AlertViews.View)], occurrences);
    }

    /// <summary>The dashboard's detection numbers: open alerts by severity, events per minute over the last hour, the newest alerts.</summary>
    /// <summary>
    /// The summary as this reader may see it, masked by their permissions: what GET /api/v1/alerts/summary answers and
    /// what the dashboard the server draws first shows (one composition for both).
    /// </summary>
    public async Task<DetectionSummary> SummaryForAsync(Caller reader, AlertMasking masking, CancellationToken ct) =>
        (await masking.ForAsync(reader, ct)).Summary(await SummaryAsync(ct));

    public async Task<DetectionSummary> SummaryAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stats = await DetectionStatsBroadcaster.StatsAsync(db, now, ct);
        var hourAgo = now.AddMinutes(-60);
        var perMinute = await ThreatAnalytics.CountEventsAsync(db, hourAgo, now, TimeSpan.FromMinutes(1), ct);
        var newest = await db.Alerts.AsNoTracking().OrderByDescending(a => a.Id).Take(10).ToViewsAsync(db, ct);
        return new DetectionSummary(stats.OpenBySeverity, stats.OpenTotal, stats.EventsLastMinute,
            [.. perMinute.Select(b => new MinuteCount(b.Start, b.Count))], [.. newest.OrderByDescending(a => a.Id)]);
    }

    /// <summary>Security events newest first, keyset-paged by id.</summary>
    public async Task<EventPage> EventsAsync(EventFilter f, CancellationToken ct)
    {
        var query = db.SecurityEvents.AsNoTracking();
        if (f.Type is { } type)
        {
            var prefix = type.EndsWith(".*", StringComparison.Ordinal) ? type[..^1] : null;
            query = prefix is not null ? query.Where(e => e.Type.StartsWith(prefix)) : query.Where(e => e.Type == type);
        }
        query = f.Source is null ? query : query.Where(e => e.Source == f.Source);
        query = f.Actor is null ? query : query.Where(e => e.Actor == f.Actor);
        query = f.KeyPrefix is null ? query : query.Where(e => e.KeyPrefix == f.KeyPrefix);
        query = f.SourceIp is null ? query : query.Where(e => e.SourceIp == f.SourceIp);
        query = f.Outcome is null ? query : query.Where(e => e.Outcome == f.Outcome);
        query = f.From is null ? query : query.Where(e => e.Time >= f.From);
        query = f.To is null ? query : query.Where(e => e.Time < f.To);
        query = f.Before is null ? query : query.Where(e => e.Id < f.Before);
        var rows = await query.OrderByDescending(e => e.Id).Take(f.Take + 1).ToListAsync(ct);
        var page = rows.Take(f.Take).Select(AlertViews.View).ToList();
        return new EventPage(page, rows.Count > f.Take ? page[^1].Id : null);
    }
}
