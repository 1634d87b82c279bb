using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Detection;

public static class AlertEndpoints
{
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
        group.MapPost("/{id:long}/acknowledge", ([FromRoute] long id, [FromBody] AlertActionRequest? body, Caller caller, AlertTriage t, AlertMasking masking, CancellationToken ct) =>
                Apply(t, masking, id, AlertTriage.Acknowledge, body?.Comment, caller, ct))
            .WithName("AcknowledgeAlert").WithSummary("Someone is on it: open → acknowledged, with an optional comment.");
        group.MapPost("/{id:long}/assign", async Task<Results<Ok<AlertView>, NotFound, ProblemHttpResult, ValidationProblem>> (
                [FromRoute] long id, [FromBody] AlertAssignRequest body, Caller caller, AlertTriage t, AlertMasking masking, CancellationToken ct) =>
                TypedResults.Ok((await masking.ForAsync(caller, ct)).View(await t.AssignAsync(id, body.AssigneeUserId, ct))))
            .WithName("AssignAlert").WithSummary("Assign to someone who may triage alerts; null unassigns.");
        group.MapPost("/{id:long}/notes", async Task<Results<Created<AlertNoteView>, NotFound>> (
                [FromRoute] long id, [FromBody] AlertNoteRequest body, Caller caller, AlertTriage t, AlertMasking masking, CancellationToken ct) =>
                TypedResults.Created($"/api/v1/alerts/{id}", (await masking.ForAsync(caller, ct)).Note(await t.AddNoteAsync(id, body.Text, caller.RequiredUserId, ct))))
            .WithName("AddAlertNote").WithSummary("Add a note to the alert's investigation.");
        group.MapPost("/{id:long}/resolve", ([FromRoute] long id, [FromBody] AlertActionRequest? body, Caller caller, AlertTriage t, AlertMasking masking, CancellationToken ct) =>
                Apply(t, masking, id, AlertTriage.Resolve, body?.Comment, caller, ct))
            .WithName("ResolveAlert").WithSummary("Dealt with: open or acknowledged → resolved.");
        group.MapPost("/{id:long}/false-positive", ([FromRoute] long id, [FromBody] AlertActionRequest body, Caller caller, AlertTriage t, AlertMasking masking, CancellationToken ct) =>
                Apply(t, masking, id, AlertTriage.FalsePositive, body.Comment, caller, ct))
            .WithName("MarkAlertFalsePositive").WithSummary("Not a threat: open or acknowledged → false_positive, with a comment saying why.");
        group.MapPost("/{id:long}/reopen", ([FromRoute] long id, [FromBody] AlertActionRequest? body, Caller caller, AlertTriage t, AlertMasking masking, CancellationToken ct) =>
                Apply(t, masking, id, AlertTriage.Reopen, body?.Comment, caller, ct))
            .WithName("ReopenAlert").WithSummary("Closed too soon: resolved or false_positive → open.");
        return app;
    }

    /// <summary>A triage transition; its refusals (404, 409, 400 with the comment field) are thrown by AlertTriage and answered by Common.</summary>
    private static async Task<Results<Ok<AlertView>, NotFound, ProblemHttpResult, ValidationProblem>> Apply(
        AlertTriage triage, AlertMasking masking, long id, AlertTriage.Transition transition, string? comment, Caller caller, CancellationToken ct) =>
        TypedResults.Ok((await masking.ForAsync(caller, ct)).View(await triage.ApplyAsync(id, transition, comment, caller.RequiredUserId, ct)));

    private static async Task<Results<Ok<AlertPage>, ValidationProblem>> List(
        string? severity, string? status, string? rule, string? entityKind, string? entity, string? assignee, string? from, string? to,
        string? before, string? limit, AlertQueries alerts, AlertMasking masking, Caller caller, CancellationToken ct)
    {
        var q = new QueryReader();
        var filter = new AlertFilter(
            q.List("severity", severity, AlertSeverities.All),
            q.List("status", status, AlertStatuses.All),
            q.Text("rule", rule, 64),
            q.OneOf("entityKind", entityKind, EntityKinds.OfAlerts),
            q.Text("entity", entity, 256),
            q.Text("assignee", assignee, 450),
            q.Time("from", from),
            q.Time("to", to),
            q.Id("before", before),
            q.Int("limit", limit, 50, 1, 200));
        return q.IsValid ? TypedResults.Ok((await masking.ForAsync(caller, ct)).Page(await alerts.ListAsync(filter, ct))) : q.Problem();
    }

    private static async Task<Results<Ok<AlertChanges>, ValidationProblem>> Changes(
        string? since, string? limit, AlertQueries alerts, AlertMasking masking, Caller caller, CancellationToken ct)
    {
        var q = new QueryReader();
        var take = q.Int("limit", limit, 200, 1, 500);
        (DateTimeOffset At, long Id)? cursor = null;
        if (!string.IsNullOrEmpty(since))
        {
            if (ChangeCursor.TryParse(since, out var parsed))
            {
                cursor = parsed;
            }
            else
            {
                q.Validator.Add("since", "Must be a cursor from an earlier answer (alerts list or changes).");
            }
        }
        return q.IsValid ? TypedResults.Ok((await masking.ForAsync(caller, ct)).Changes(await alerts.ChangesAsync(cursor, take, ct))) : q.Problem();
    }

    private static async Task<Results<Ok<AlertDetail>, ValidationProblem, ProblemHttpResult>> Get(
        string id, AlertQueries alerts, AlertMasking masking, Caller caller, CancellationToken ct)
    {
        var q = new QueryReader();
        if (q.Id("id", id) is not { } alertId)
        {
            return q.Problem();
        }
        return await alerts.DetailAsync(alertId, ct) is { } detail
            ? TypedResults.Ok((await masking.ForAsync(caller, ct)).Detail(detail))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert",
                detail: $"There is no alert {alertId}. It may be a link from another console.");
    }

    private static async Task<Ok<DetectionSummary>> Summary(AlertQueries alerts, AlertMasking masking, Caller caller, CancellationToken ct) =>
        TypedResults.Ok(await alerts.SummaryForAsync(caller, masking, ct));
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
