using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Detection;

public static class AlertEndpoints
{
    /// <summary>How far back each catch-up answer reaches again, so that a change committed late is not skipped.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/alerts")
            .WithTags("Alerts")
            .AuthorizedByTable()
            .WithValidation();

        group.MapGet("/", List).WithName("ListAlerts")
            .WithSummary("Alerts newest first, filtered by severity and status (comma-separated), rule, entity, assignee and last-seen time; keyset paging with before.");
        group.MapGet("/summary", Summary).WithName("GetDetectionSummary")
            .WithSummary("Open alerts by severity, events per minute over the last hour, and the newest alerts: the Dashboard's detection numbers.");
        group.MapGet("/changes", Changes).WithName("GetAlertChanges")
            .WithSummary("Alerts changed since a cursor, oldest first: how a browser catches up on what it missed while disconnected.");
        group.MapGet("/assignees", async (AlertTriage t, CancellationToken ct) => TypedResults.Ok(await t.AssigneesAsync(ct)))
            .WithName("ListAlertAssignees").WithSummary("People alerts can be assigned to (their roles grant alerts:triage).");
        // Not constrained to {id:long}: a malformed id is a 400 naming it, not an unknown route.
        group.MapGet("/{id}", Get).WithName("GetAlert")
            .WithSummary("One alert with its notes, its occurrences (the detections grouped into it) and the entity's events around it; a 404 problem for an unknown id.");
        group.MapPost("/{id:long}/acknowledge", ([FromRoute] long id, [FromBody] AlertActionRequest? body, ClaimsPrincipal user, AlertTriage t, CancellationToken ct) =>
                t.ApplyAsync(id, AlertTriage.Acknowledge, body?.Comment, UserId(user), ct))
            .WithName("AcknowledgeAlert").WithSummary("Someone is on it: open → acknowledged, with an optional comment.");
        group.MapPost("/{id:long}/assign", ([FromRoute] long id, [FromBody] AlertAssignRequest body, AlertTriage t, CancellationToken ct) =>
                t.AssignAsync(id, body.AssigneeUserId, ct))
            .WithName("AssignAlert").WithSummary("Assign to someone who may triage alerts; null unassigns.");
        group.MapPost("/{id:long}/notes", ([FromRoute] long id, [FromBody] AlertNoteRequest body, ClaimsPrincipal user, AlertTriage t, CancellationToken ct) =>
                t.AddNoteAsync(id, body.Text, UserId(user), ct))
            .WithName("AddAlertNote").WithSummary("Add a note to the alert's investigation.");
        group.MapPost("/{id:long}/resolve", ([FromRoute] long id, [FromBody] AlertActionRequest? body, ClaimsPrincipal user, AlertTriage t, CancellationToken ct) =>
                t.ApplyAsync(id, AlertTriage.Resolve, body?.Comment, UserId(user), ct))
            .WithName("ResolveAlert").WithSummary("Dealt with: open or acknowledged → resolved.");
        group.MapPost("/{id:long}/false-positive", ([FromRoute] long id, [FromBody] AlertActionRequest body, ClaimsPrincipal user, AlertTriage t, CancellationToken ct) =>
                t.ApplyAsync(id, AlertTriage.FalsePositive, body.Comment, UserId(user), ct))
            .WithName("MarkAlertFalsePositive").WithSummary("Not a threat: open or acknowledged → false_positive, with a comment saying why.");
        group.MapPost("/{id:long}/reopen", ([FromRoute] long id, [FromBody] AlertActionRequest? body, ClaimsPrincipal user, AlertTriage t, CancellationToken ct) =>
                t.ApplyAsync(id, AlertTriage.Reopen, body?.Comment, UserId(user), ct))
            .WithName("ReopenAlert").WithSummary("Closed too soon: resolved or false_positive → open.");
        return app;
    }

    private static async Task<Results<Ok<AlertPage>, ValidationProblem>> List(
        string? severity, string? status, string? rule, string? entityKind, string? entity, string? assignee, string? from, string? to,
        string? before, string? limit, ConsoleDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var q = new QueryReader();
        var severities = q.List("severity", severity, AlertSeverities.All);
        var statuses = q.List("status", status, AlertStatuses.All);
        var ruleId = q.Text("rule", rule, 64);
        var kind = q.OneOf("entityKind", entityKind, EntityKinds.OfAlerts);
        var entityId = q.Text("entity", entity, 256);
        var assigneeId = q.Text("assignee", assignee, 450);
        var fromTime = q.Time("from", from);
        var toTime = q.Time("to", to);
        var beforeId = q.Id("before", before);
        var take = q.Int("limit", limit, 50, 1, 200);
        if (!q.IsValid)
        {
            return q.Problem();
        }
        var query = db.Alerts.AsNoTracking();
        query = severities is null ? query : query.Where(a => severities.Contains(a.Severity));
        query = statuses is null ? query : query.Where(a => statuses.Contains(a.Status));
        query = ruleId is null ? query : query.Where(a => a.RuleId == ruleId);
        query = kind is null ? query : query.Where(a => a.EntityKind == kind);
        query = entityId is null ? query : query.Where(a => a.EntityId == entityId);
        query = assigneeId is null ? query : query.Where(a => a.AssigneeUserId == assigneeId);
        query = fromTime is null ? query : query.Where(a => a.LastSeenAt >= fromTime);
        query = toTime is null ? query : query.Where(a => a.LastSeenAt < toTime);
        query = beforeId is null ? query : query.Where(a => a.Id < beforeId);
        var cursor = ChangeCursor.Format(clock.GetUtcNow() - Settle, 0);
        var items = (await query.OrderByDescending(a => a.Id).Take(take + 1).ToViewsAsync(db, ct)).OrderByDescending(a => a.Id).ToList();
        var page = items.Take(take).ToList();
        return TypedResults.Ok(new AlertPage(page, items.Count > take ? page[^1].Id : null, cursor));
    }

    private static async Task<Results<Ok<AlertChanges>, ValidationProblem>> Changes(string? since, string? limit, ConsoleDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var q = new QueryReader();
        var take = q.Int("limit", limit, 200, 1, 500);
        var settle = clock.GetUtcNow() - Settle;
        (DateTimeOffset At, long Id) cursor = (settle, 0);
        if (!string.IsNullOrEmpty(since) && !ChangeCursor.TryParse(since, out cursor))
        {
            q.Validator.Add("since", "Must be a cursor from an earlier answer (alerts list or changes).");
        }
        if (!q.IsValid)
        {
            return q.Problem();
        }
        if (string.IsNullOrEmpty(since))
        {
            return TypedResults.Ok(new AlertChanges([], ChangeCursor.Format(settle, 0), false));
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
        return TypedResults.Ok(new AlertChanges(page, ChangeCursor.Format(next.Item1, next.Item2), more));
    }

    private static async Task<Results<Ok<AlertDetail>, ValidationProblem, ProblemHttpResult>> Get(string id, ConsoleDbContext db, CancellationToken ct)
    {
        var q = new QueryReader();
        if (q.Id("id", id) is not { } alertId)
        {
            return q.Problem();
        }
        var alert = (await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).ToViewsAsync(db, ct)).SingleOrDefault();
        if (alert is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert",
                detail: $"There is no alert {alertId}. It may be a link from another console.");
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
        return TypedResults.Ok(new AlertDetail(alert, notes, [.. events.Select(AlertViews.View)], occurrences));
    }

    private static async Task<Ok<DetectionSummary>> Summary(ConsoleDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var stats = await DetectionStatsBroadcaster.StatsAsync(db, now, ct);
        var hourAgo = now.AddMinutes(-60);
        var perMinute = await ThreatAnalytics.CountEventsAsync(db, hourAgo, now, TimeSpan.FromMinutes(1), ct);
        var newest = await db.Alerts.AsNoTracking().OrderByDescending(a => a.Id).Take(10).ToViewsAsync(db, ct);
        return TypedResults.Ok(new DetectionSummary(stats.OpenBySeverity, stats.OpenTotal, stats.EventsLastMinute,
            [.. perMinute.Select(b => new MinuteCount(b.Start, b.Count))], [.. newest.OrderByDescending(a => a.Id)]));
    }

    private static string UserId(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated caller has no id.");
}

/// <summary>Where a client is in the stream of alert changes: the last change's time (UTC ticks) and alert id.</summary>
public static class ChangeCursor
{
    public static string Format(DateTimeOffset at, long id) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks}.{id}");

    public static bool TryParse(string text, out (DateTimeOffset At, long Id) cursor)
    {
        cursor = default;
        var dot = text.IndexOf('.');
        if (dot <= 0 || !long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || !long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || ticks < DateTimeOffset.UnixEpoch.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }
        cursor = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        return true;
    }
}
