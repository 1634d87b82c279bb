using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Reports.Data;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Templates;

/// <summary>Custom templates: create, save drafts, publish (or roll back), diff, validate and preview.</summary>
public static class TemplateEndpoints
{
    public static IEndpointRouteBuilder MapReportTemplates(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/reports/templates").WithTags("Reports").AuthorizedByTable().WithValidation();
        group.MapGet("/", (TemplateStore store, CancellationToken ct) => store.ListAsync(ct)).WithName("ListReportTemplates").WithSummary("Custom templates.");
        group.MapPost("/", Create).WithName("CreateReportTemplate").WithSummary("Create a template with its first draft; validated before it is saved.");
        group.MapGet("/{id:guid}", Get).WithName("GetReportTemplate").WithSummary("A template with every version and its source.");
        group.MapPost("/{id:guid}/versions", (Guid id, SaveDraftRequest request, Caller caller, TemplateStore store, CancellationToken ct) =>
                SaveAsync(id, null, request, caller, store, ct))
            .WithName("SaveReportTemplateDraft").WithSummary("Save the draft (a new draft version when the latest is published).");
        group.MapPut("/{id:guid}/versions/{version:int}", (Guid id, int version, SaveDraftRequest request, Caller caller, TemplateStore store, CancellationToken ct) =>
                SaveAsync(id, version, request, caller, store, ct))
            .WithName("EditReportTemplateVersion").WithSummary("Edit a draft version; a published version never changes (409).");
        group.MapPost("/{id:guid}/publish", Publish).WithName("PublishReportTemplate")
            .WithSummary("Publish a version, or an older one again to roll back; the reason is audited.");
        group.MapGet("/{id:guid}/diff", Diff).WithName("DiffReportTemplate").WithSummary("Line diff between two versions (from, to).");
        group.MapPost("/validate", (ValidateTemplateRequest request, TemplateValidator validator) => TypedResults.Ok(validator.Validate(request.Type, request.Source)))
            .WithName("ValidateReportTemplate").WithSummary("Check a source: syntax with line and column, variables, filters, required sections, size.");
        group.MapPost("/preview", Preview).WithName("PreviewReportTemplate")
            .WithSummary("Render a source against live data as the caller, without saving it (HTML).");
        return app;
    }

    private static async Task<Results<Created<TemplateView>, ValidationProblem>> Create(CreateTemplateRequest request, Caller caller, TemplateStore store, CancellationToken ct)
    {
        var (outcome, view, check) = await store.CreateAsync(request, caller.RequiredUserId, ct);
        return outcome == TemplateOutcome.Ok ? TypedResults.Created($"{ApiConventions.Prefix}/reports/templates/{view!.Id}", view) : SourceProblem(check!);
    }

    private static async Task<Results<Ok<TemplateView>, NotFound>> Get(Guid id, TemplateStore store, CancellationToken ct) =>
        await store.ViewAsync(id, true, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Ok<TemplateView>, NotFound, ValidationProblem, ProblemHttpResult>> SaveAsync(
        Guid id, int? version, SaveDraftRequest request, Caller caller, TemplateStore store, CancellationToken ct)
    {
        var (outcome, view, check) = await store.SaveDraftAsync(id, version, request, caller.RequiredUserId, ct);
        return outcome switch
        {
            TemplateOutcome.Ok => TypedResults.Ok(view!),
            TemplateOutcome.NotFound => TypedResults.NotFound(),
            TemplateOutcome.Invalid => SourceProblem(check!),
            TemplateOutcome.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A published version never changes",
                detail: $"Version {version} is published. Save a new draft instead (POST …/versions), then publish it."),
            _ => throw new InvalidOperationException(),
        };
    }

    private static async Task<Results<Ok<TemplateView>, NotFound, ValidationProblem>> Publish(
        Guid id, PublishTemplateRequest request, Caller caller, TemplateStore store, CancellationToken ct)
    {
        var (outcome, view, problem) = await store.PublishAsync(id, request, caller.RequiredUserId, ct);
        return outcome switch
        {
            TemplateOutcome.Ok => TypedResults.Ok(view!),
            TemplateOutcome.NotFound => TypedResults.NotFound(),
            _ => ProblemHandlingExtensions.Invalid(new Validator().Add("version", problem!)),
        };
    }

    private static async Task<Results<Ok<TemplateDiff>, ValidationProblem>> Diff(Guid id, string? from, string? to, TemplateStore store, CancellationToken ct)
    {
        var v = new Validator();
        var a = Version("from", from, v);
        var b = Version("to", to, v);
        var diff = v.IsValid ? await store.DiffAsync(id, a, b, v, ct) : null;
        return diff is null ? ProblemHandlingExtensions.InvalidParameters(v) : TypedResults.Ok(diff);
    }

    private static async Task<Results<ContentHttpResult, ValidationProblem>> Preview(
        PreviewTemplateRequest request, Caller caller, TemplateValidator validator, ReportDataSource data, ReportRunner runner,
        IOptions<ReportsOptions> options, ReportFilterChoices choices, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var check = validator.Validate(request.Type, request.Source);
        if (!check.Valid)
        {
            return SourceProblem(check);
        }
        var type = ReportTypes.Find(request.Type)!;
        var v = new Validator();
        var permissions = caller.Granted;
        if (!permissions.Contains(type.Needs))
        {
            return ProblemHandlingExtensions.Invalid(v.Add("type", $"A {type.Title.ToLowerInvariant()} report reads data that needs {type.Needs}, which you do not hold."));
        }
        var parameters = ResolvedParameters.Resolve(type, request.Parameters, clock.GetUtcNow(), v, choices.All);
        if (parameters is null)
        {
            return ProblemHandlingExtensions.Invalid(v);
        }
        var owner = new ReportOwner(caller.RequiredUserId, permissions);
        // A preview shows the first rows only: it is for the look of the report, the run is for its content.
        var model = await data.BuildAsync(type, "preview", 0, "Preview", parameters, owner, Math.Min(200, options.Value.MaxRows), ct);
        try
        {
            var html = await runner.RenderHtmlAsync(new ResolvedTemplate("preview", type, "Preview", 0, request.Source), model, ct);
            http.Response.Headers.ContentSecurityPolicy = ReportDocument.ContentSecurityPolicy + "; sandbox";
            return TypedResults.Content(html, "text/html");
        }
        catch (TemplateFailedException ex)
        {
            return ProblemHandlingExtensions.Invalid(v.Add("source", ex.Message));
        }
    }

    private static ValidationProblem SourceProblem(TemplateValidation check) =>
        ProblemHandlingExtensions.Invalid(new Validator().AddAll("source", check.Problems.Select(p =>
            p.Line is { } line ? $"Line {line}, column {p.Column}: {p.Message}" : p.Message)));

    private static Validator AddAll(this Validator v, string field, IEnumerable<string> messages)
    {
        foreach (var m in messages)
        {
            v.Add(field, m);
        }
        return v;
    }

    private static int Version(string name, string? text, Validator v)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            return n;
        }
        v.Add(name, "Must be a version number (1 or more).");
        return 0;
    }
}
