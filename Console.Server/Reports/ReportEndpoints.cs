using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Reports.Schedules;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports;

/// <summary>The catalogue and runs: start (202), follow, cancel, download, verify. A caller sees and acts on their own runs only.</summary>
public static class ReportEndpoints
{
    public static IEndpointRouteBuilder MapReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/reports").WithTags("Reports").AuthorizedByTable().WithValidation();
        group.MapGet("/catalogue", Catalogue).WithName("GetReportCatalogue")
            .WithSummary("The reports the caller can run: the built-ins and every custom template with a published version.");
        group.MapPost("/runs", Start).WithName("StartReportRun")
            .WithSummary("Queue a run (202 with its id). Parameters: period (preset or custom), from, to, and the type's filters.");
        group.MapGet("/runs", List).WithName("ListReportRuns").WithSummary("The caller's runs, newest first (limit, at most 200).");
        group.MapGet("/runs/{id:guid}", Get).WithName("GetReportRun").WithSummary("One run: status, stage, per-stage timings, failure reason, artifact.");
        group.MapPost("/runs/{id:guid}/cancel", Cancel).WithName("CancelReportRun").WithSummary("Stop a queued or running run.");
        group.MapGet("/runs/{id:guid}/download", Download).WithName("DownloadReport").WithSummary("The artifact; audited as report.downloaded.");
        group.MapGet("/runs/{id:guid}/verify", Verify).WithName("VerifyReport")
            .WithSummary("Hash the stored artifact again and check it against its report.generated audit entry.");
        app.MapReportTemplates();
        app.MapReportSchedules();
        return app;
    }

    private static async Task<Ok<List<ReportCatalogueItem>>> Catalogue(TemplateStore store, CancellationToken ct)
    {
        var items = ReportTypes.All.Select(t => new ReportCatalogueItem(t.Id, t.Id, t.Title, t.Description, true, BuiltInTemplates.Version, t.Filters, t.Needs)).ToList();
        foreach (var custom in (await store.ListAsync(ct)).Where(t => t.PublishedVersion is not null))
        {
            var type = ReportTypes.Find(custom.Type)!;
            items.Add(new ReportCatalogueItem(custom.Id.ToString(), custom.Type, custom.Name, $"Custom template on {type.Title.ToLowerInvariant()} data.", false,
                custom.PublishedVersion, type.Filters, type.Needs));
        }
        return TypedResults.Ok(items);
    }

    private static async Task<Results<Accepted<RunAccepted>, ValidationProblem, ProblemHttpResult>> Start(
        RunReportRequest request, Caller caller, ReportRuns runs, Output.PdfPrinter pdf, CancellationToken ct)
    {
        if (request.Format == ReportFormats.Pdf && pdf.Unavailable is { } why)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF output is not available here", detail: why,
                extensions: new Dictionary<string, object?> { ["field"] = "format" });
        }
        var v = new Validator();
        var run = await runs.StartAsync(request, caller.RequiredUserId, caller.Granted, null, v, ct);
        if (run is null)
        {
            return ProblemHandlingExtensions.Invalid(v);
        }
        var location = $"{ApiConventions.Prefix}/reports/runs/{run.Id}";
        return TypedResults.Accepted(location, new RunAccepted(run.Id, run.Status, location));
    }

    private static async Task<Results<Ok<ReportRunPage>, ValidationProblem>> List(string? limit, Caller caller, ReportRuns runs, CancellationToken ct)
    {
        var take = 50;
        if (limit is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 200))
        {
            return ProblemHandlingExtensions.InvalidParameters(new Validator().Add("limit", "Must be between 1 and 200."));
        }
        return TypedResults.Ok(new ReportRunPage(await runs.ListAsync(caller.RequiredUserId, take, ct)));
    }

    private static async Task<Results<Ok<ReportRunView>, NotFound>> Get(Guid id, Caller caller, ReportRuns runs, CancellationToken ct) =>
        await runs.ViewAsync(id, caller.RequiredUserId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<Results<Accepted, NotFound, ProblemHttpResult>> Cancel(Guid id, Caller caller, ReportRuns runs, CancellationToken ct) =>
        await runs.CancelAsync(id, caller.RequiredUserId, ct) switch
        {
            null => TypedResults.NotFound(),
            false => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The run has finished", detail: "Only a queued or running run can be cancelled."),
            true => TypedResults.Accepted((string?)null),
        };

    private static async Task<Results<FileStreamHttpResult, NotFound>> Download(Guid id, Caller caller, ReportRuns runs, HttpContext http, CancellationToken ct)
    {
        if (await runs.DownloadAsync(id, caller.RequiredUserId, ct) is not { } download)
        {
            return TypedResults.NotFound();
        }
        // Whatever a custom template wrote, the file runs no script and loads nothing when opened from the console.
        http.Response.Headers.ContentSecurityPolicy = ReportDocument.ContentSecurityPolicy + "; sandbox";
        http.Response.ContentLength = download.Artifact.Size;
        // Sent as it is read (ADR 0185); the result disposes the stream, which frees the database connection it holds.
        return TypedResults.Stream(download.Content, download.Artifact.ContentType, download.Artifact.FileName);
    }

    private static async Task<Results<Ok<ReportVerifyResult>, NotFound>> Verify(Guid id, Caller caller, ReportRuns runs, CancellationToken ct) =>
        await runs.VerifyAsync(id, caller.RequiredUserId, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound();
}
