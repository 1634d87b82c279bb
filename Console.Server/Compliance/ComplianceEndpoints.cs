using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Compliance;

public static class ComplianceEndpoints
{
    public const int MaxDays = 366;

    public static IEndpointRouteBuilder MapCompliance(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/compliance")
            .WithTags("Compliance")
            .AuthorizedByTable()
            .WithValidation();

        group.MapGet("/", Overview).WithName("GetComplianceOverview")
            .WithSummary("Per enabled framework: pass rate of evaluated requirements, automated coverage, counts, trend, heat-map, failing first.");
        group.MapGet("/frameworks", (ComplianceViews views, CancellationToken ct) => views.FrameworksAsync(ct).ContinueWith(t => TypedResults.Ok(t.Result), ct))
            .WithName("ListComplianceFrameworks").WithSummary("Every framework the console has a file for, and whether it is enabled.");
        group.MapGet("/frameworks/{id}", Framework).WithName("GetComplianceFramework")
            .WithSummary("A framework's summary and its requirement tree with statuses.");
        group.MapPut("/frameworks/{id}", SetEnabled).WithName("SetComplianceFrameworkEnabled")
            .WithSummary("Enable or disable a framework (audited); its retention floors count only while enabled.");
        group.MapGet("/frameworks/{id}/requirements/{requirement}", Requirement).WithName("GetComplianceRequirement")
            .WithSummary("A requirement with its controls and their checks' latest results, failing rows first.");
        group.MapGet("/controls/{id}", Control).WithName("GetComplianceControl")
            .WithSummary("A control, what it maps to, and its checks' latest results with their rows.");
        group.MapGet("/parameters", async (ComplianceSettings settings, CancellationToken ct) => TypedResults.Ok((await settings.GetAsync(ct)).Parameters))
            .WithName("GetComplianceParameters").WithSummary("The checks' parameters (inactivity days, SLAs, privileged roles, ...).");
        group.MapPut("/parameters", SetParameters).WithName("SetComplianceParameters")
            .WithSummary("Change the checks' parameters (audited); every check re-runs.");
        group.MapPost("/evaluate", Evaluate).WithName("EvaluateCompliance")
            .WithSummary("Run every check now and return the controls whose status changed.");
        // The refusals of ManualControls (404, 400 with fields, 403, 409) are thrown and answered by Common; the unions name them.
        group.MapPost("/controls/{id}/attestations", async Task<Results<Created<AttestationView>, NotFound, ValidationProblem>> (
                string id, AttestRequest request, ManualControls manual, Caller caller, CancellationToken ct) =>
                TypedResults.Created($"/api/v1/compliance/controls/{id}", await manual.AttestAsync(id, caller.Current.Id, request, ct)))
            .WithName("AttestComplianceControl").WithSummary("Attest a manual control with a statement, valid for some days; then it is manual due again.");
        group.MapGet("/exceptions", async (ManualControls manual, CancellationToken ct) => TypedResults.Ok(await manual.ExceptionsAsync(ct)))
            .WithName("ListComplianceExceptions").WithSummary("Exceptions, newest first, with their status.");
        group.MapPost("/exceptions", async Task<Results<Created<ExceptionView>, ValidationProblem>> (
                ExceptionRequest request, ManualControls manual, Caller caller, CancellationToken ct) =>
            {
                var exception = await manual.RequestExceptionAsync(caller.Current.Id, request, ct);
                return TypedResults.Created($"/api/v1/compliance/exceptions/{exception.Id}", exception);
            })
            .WithName("RequestComplianceException").WithSummary("Request an exception for a control (or some of its resources) until a date.");
        group.MapPost("/exceptions/{id:guid}/approve", async Task<Results<Ok<ExceptionView>, NotFound, ProblemHttpResult>> (
                Guid id, ManualControls manual, Caller caller, CancellationToken ct) => TypedResults.Ok(await manual.ApproveExceptionAsync(id, caller.Current.Id, ct)))
            .WithName("ApproveComplianceException").WithSummary("Approve an exception; never by its requester. Shown as excepted, never as pass, until it expires.");
        group.MapPost("/exceptions/{id:guid}/reject", async Task<Results<Ok<ExceptionView>, NotFound, ValidationProblem, ProblemHttpResult>> (
                Guid id, RejectExceptionRequest request, ManualControls manual, Caller caller, CancellationToken ct) =>
                TypedResults.Ok(await manual.RejectExceptionAsync(id, caller.Current.Id, request, ct)))
            .WithName("RejectComplianceException").WithSummary("Turn a pending exception down with a reason (audited); it never takes effect. Its requester may withdraw it the same way.");
        group.MapGet("/controls/{id}/effectiveness", EffectivenessAsync).WithName("GetComplianceControlEffectiveness")
            .WithSummary("How a control fared over a period (?from=&to=; 90 days by default): share of days passing, share of time, every stretch not passing.");
        group.MapGet("/controls/{id}/records", async Task<Results<Ok<ControlRecords>, NotFound>> (string id, ManualControls manual, CancellationToken ct) =>
                await manual.RecordsAsync(id, ct) is { } records ? TypedResults.Ok(records) : TypedResults.NotFound())
            .WithName("GetComplianceControlRecords").WithSummary("A control's attestations and exceptions, newest first, with their files.");
        group.MapEvidence();
        group.MapEvidenceFiles();
        group.MapAccessReviews();
        group.MapEvidencePacks();
        return app;
    }

    private static async Task<Results<Ok<ComplianceOverview>, ValidationProblem>> Overview(int? days, ComplianceViews views, CancellationToken ct) =>
        Days(days) is { } problem ? problem : TypedResults.Ok(await views.OverviewAsync(days ?? 30, ct));

    private static async Task<Results<Ok<FrameworkDetail>, NotFound, ValidationProblem>> Framework(string id, int? days, ComplianceViews views, CancellationToken ct)
    {
        if (Days(days) is { } problem)
        {
            return problem;
        }
        return await views.FrameworkAsync(id, days ?? 30, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<RequirementDetail>, NotFound>> Requirement(string id, string requirement, ComplianceViews views, CancellationToken ct) =>
        await views.RequirementAsync(id, Uri.UnescapeDataString(requirement), ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();

    private static async Task<Results<Ok<ControlView>, NotFound>> Control(string id, ComplianceViews views, CancellationToken ct) =>
        await views.ControlAsync(id, ct) is { } control ? TypedResults.Ok(control) : TypedResults.NotFound();

    private static async Task<Results<Ok<ControlEffectiveness>, NotFound, ValidationProblem>> EffectivenessAsync(
        string id, DateTimeOffset? from, DateTimeOffset? to, ComplianceViews views, TimeProvider clock, CancellationToken ct)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-90);
        if (start >= end || end - start > TimeSpan.FromDays(EvidencePackEndpoints.MaxPeriodDays))
        {
            return ProblemHandlingExtensions.Invalid(new Validator().Add("from", $"Must be before 'to', within {EvidencePackEndpoints.MaxPeriodDays} days of it."));
        }
        return await views.EffectivenessAsync(id, start, end, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<FrameworkState>, NotFound>> SetEnabled(
        string id, SetFrameworkEnabledRequest request, ComplianceCatalogue catalogue, ComplianceSettings settings, Caller caller, CancellationToken ct)
    {
        if (catalogue.Framework(id) is not { } framework)
        {
            return TypedResults.NotFound();
        }
        var doc = await settings.SetEnabledAsync(id, request.Enabled!.Value, caller.Current.Id, ct);
        return TypedResults.Ok(new FrameworkState(framework.Id, framework.Name, framework.Version, doc.Enabled.Contains(id)));
    }

    private static async Task<Ok<ComplianceParameters>> SetParameters(ComplianceParameters request, ComplianceSettings settings, Caller caller, CancellationToken ct) =>
        TypedResults.Ok((await settings.SetParametersAsync(request, caller.Current.Id, ct)).Parameters);

    private static async Task<Ok<IReadOnlyList<ComplianceChange>>> Evaluate(CheckRegistry registry, IServiceScopeFactory scopes, CancellationToken ct) =>
        TypedResults.Ok(await ComplianceRunner.EvaluateAsync(scopes, registry.All, ct));

    private static ValidationProblem? Days(int? days) =>
        days is < 1 or > MaxDays ? ProblemHandlingExtensions.Invalid(new Validator().Add("days", $"Must be from 1 to {MaxDays}.")) : null;
}
