using Microsoft.Extensions.Options;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Reports.Data;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>
/// The posture report of an evidence pack, as Compliance asks for it (<see cref="IPostureReportRenderer"/>): the built-in
/// <c>compliance-posture</c> template, filtered to the pack's framework, over the pack's period, with the data the Reports
/// page reads (<see cref="ComplianceReportQueries"/>, recorded status changes only, so a closed period renders the same
/// bytes), printed by the reports' printer. The built-in template, not a published custom version: what a pack holds does
/// not depend on who edited a template (ADR 0075).
/// </summary>
public sealed class PackPostureReport(
    ComplianceReportQueries compliance, TemplateEngine engine, PdfPrinter printer, IOptions<ReportsOptions> options, TimeProvider clock) : IPostureReportRenderer
{
    public async Task<string> HtmlAsync(string framework, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        // As of the period's end, or now if sooner: the report never claims a status for a moment still to come.
        var now = clock.GetUtcNow();
        var at = to < now ? to : now;
        var facts = await compliance.PostureAsync(from, at, framework, ct, includeDisabled: true);
        var name = facts.FirstOrDefault()?.Name ?? framework;
        var title = $"{name} — compliance posture";
        var model = new ReportModel
        {
            Report = new ReportHeader(title, ReportTypes.CompliancePosture, ReportTypes.CompliancePosture, BuiltInTemplates.Version, from, at,
                ReportPeriods.Custom, PersonalDataMasked: false, [new ReportFilter("framework", framework)]),
            Posture = ReportDataSource.Posture(facts, options.Value.MaxRows),
        };
        var (tree, error) = engine.Parse(BuiltInTemplates.Source(ReportTypes.CompliancePosture));
        if (tree is null)
        {
            throw new InvalidOperationException($"The built-in compliance-posture template does not parse: {error?.Message}");
        }
        return ReportDocument.Wrap(title, await engine.RenderAsync(tree, model, ct));
    }

    public string? PdfUnavailable => printer.Unavailable;

    public Task<byte[]> PdfAsync(string html, CancellationToken ct) => printer.PrintAsync(html, ct);
}
