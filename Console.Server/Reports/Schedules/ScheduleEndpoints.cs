using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Schedules;

/// <summary>A caller's report schedules: cron in a time zone, the next runs, and where each run is delivered.</summary>
public static class ScheduleEndpoints
{
    public static IEndpointRouteBuilder MapReportSchedules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/reports/schedules").WithTags("Reports").AuthorizedByTable().WithValidation();
        group.MapGet("/", (ClaimsPrincipal user, ScheduleStore store, CancellationToken ct) => store.ListAsync(ReportEndpoints.Caller(user), ct))
            .WithName("ListReportSchedules").WithSummary("The caller's schedules, each with its next runs.");
        group.MapPost("/", Create).WithName("CreateReportSchedule")
            .WithSummary("Schedule a report: cron (five fields, or six with seconds) in a time zone (IANA id), with its delivery.");
        group.MapGet("/{id:guid}", Get).WithName("GetReportSchedule").WithSummary("One schedule with its next runs.");
        group.MapPut("/{id:guid}", Replace).WithName("ReplaceReportSchedule").WithSummary("Replace a schedule; a webhook secret left out is kept.");
        group.MapDelete("/{id:guid}", Delete).WithName("DeleteReportSchedule").WithSummary("Delete a schedule; its past runs stay.");
        return app;
    }

    private static async Task<Results<Created<ScheduleView>, ValidationProblem>> Create(
        ScheduleRequest request, ClaimsPrincipal user, ScheduleStore store, CancellationToken ct)
    {
        var v = new Validator();
        var view = await store.SaveAsync(null, request, ReportEndpoints.Caller(user), Permissions(user), v, ct);
        return view is null ? ProblemHandlingExtensions.Invalid(v) : TypedResults.Created($"{ApiConventions.Prefix}/reports/schedules/{view.Id}", view);
    }

    private static async Task<Results<Ok<ScheduleView>, NotFound>> Get(Guid id, ClaimsPrincipal user, ScheduleStore store, CancellationToken ct) =>
        await store.GetAsync(id, ReportEndpoints.Caller(user), ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<ScheduleView>, ValidationProblem, NotFound>> Replace(
        Guid id, ScheduleRequest request, ClaimsPrincipal user, ScheduleStore store, CancellationToken ct)
    {
        var v = new Validator();
        var view = await store.SaveAsync(id, request, ReportEndpoints.Caller(user), Permissions(user), v, ct);
        return view is not null ? TypedResults.Ok(view) : v.IsValid ? TypedResults.NotFound() : ProblemHandlingExtensions.Invalid(v);
    }

    private static async Task<Results<NoContent, NotFound>> Delete(Guid id, ClaimsPrincipal user, ScheduleStore store, CancellationToken ct) =>
        await store.DeleteAsync(id, ReportEndpoints.Caller(user), ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static HashSet<string> Permissions(ClaimsPrincipal user) =>
        user.FindAll(SecurityConsole.Shared.Security.Permissions.ClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
}
