using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Schedules;

/// <summary>A caller's report schedules: cron in a time zone, the next runs, and where each run is delivered.</summary>
public static class ScheduleEndpoints
{
    public static IEndpointRouteBuilder MapReportSchedules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/reports/schedules").WithTags("Reports").AuthorizedByTable().WithValidation();
        group.MapGet("/", (Caller caller, ScheduleStore store, CancellationToken ct) => store.ListAsync(caller.RequiredUserId, ct))
            .WithName("ListReportSchedules").WithSummary("The caller's schedules, each with its next runs.");
        group.MapPost("/", Create).WithName("CreateReportSchedule")
            .WithSummary("Schedule a report: cron (five fields, or six with seconds) in a time zone (IANA id), with its delivery.");
        group.MapGet("/{id:guid}", Get).WithName("GetReportSchedule").WithSummary("One schedule with its next runs.");
        group.MapPut("/{id:guid}", Replace).WithName("ReplaceReportSchedule").WithSummary("Replace a schedule; a webhook secret left out is kept.");
        group.MapDelete("/{id:guid}", Delete).WithName("DeleteReportSchedule").WithSummary("Delete a schedule; its past runs stay.");
        return app;
    }

    private static async Task<Results<Created<ScheduleView>, ValidationProblem>> Create(
        ScheduleRequest request, Caller caller, ScheduleStore store, CancellationToken ct)
    {
        var v = new Validator();
        var view = await store.SaveAsync(null, request, caller.RequiredUserId, caller.Granted, v, ct);
        return view is null ? ProblemHandlingExtensions.Invalid(v) : TypedResults.Created($"{ApiConventions.Prefix}/reports/schedules/{view.Id}", view);
    }

    private static async Task<Results<Ok<ScheduleView>, NotFound>> Get(Guid id, Caller caller, ScheduleStore store, CancellationToken ct) =>
        await store.GetAsync(id, caller.RequiredUserId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<ScheduleView>, ValidationProblem, NotFound>> Replace(
        Guid id, ScheduleRequest request, Caller caller, ScheduleStore store, CancellationToken ct)
    {
        var v = new Validator();
        var view = await store.SaveAsync(id, request, caller.RequiredUserId, caller.Granted, v, ct);
        return view is not null ? TypedResults.Ok(view) : v.IsValid ? TypedResults.NotFound() : ProblemHandlingExtensions.Invalid(v);
    }

    private static async Task<Results<NoContent, NotFound>> Delete(Guid id, Caller caller, ScheduleStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, caller.RequiredUserId, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}
