using System.Diagnostics;
using System.Text.RegularExpressions;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>Runs through the real job server on the 'reports' queue, and PDFs printed by Chromium and read back with pdftotext.</summary>
public sealed class ReportPdfTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private static async Task<ReportRunView> FinishedAsync(HttpClient client, Guid id)
    {
        ReportRunView? view = null;
        await Eventually.HoldsAsync("the run finished", async () =>
        {
            view = await client.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{id}", Json, Ct);
            return (ReportRunStatuses.IsFinished(view!.Status), $"{view.Status} {view.Stage} {view.FailureReason}");
        });
        return view!;
    }

    [Fact]
    public async Task APdfHoldsTheFiguresTheHtmlShows()
    {
        if (!File.Exists("/usr/bin/chromium") || !File.Exists("/usr/bin/pdftotext"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium and pdftotext (apt-get install chromium poppler-utils).");
        }
        var auditor = await console.Factory.SignedInClientAsync(Roles.Auditor);
        // A period closed before either run starts: the runs' own audit entries fall outside it, so both see the same data.
        var to = DateTimeOffset.UtcNow.AddSeconds(-1);
        var html = await FinishedAsync(auditor, await auditor.StartAsync(AuditExtract(to: to)));
        var pdf = await FinishedAsync(auditor, await auditor.StartAsync(AuditExtract(ReportFormats.Pdf, to: to)));
        Assert.True(pdf.Status == ReportRunStatuses.Succeeded, pdf.FailureReason);
        Assert.Contains(pdf.Stages, s => s.Stage == ReportStages.Pdf);

        var page = await auditor.GetStringAsync($"/api/v1/reports/runs/{html.Id}/download", Ct);
        var entries = Regex.Match(page, @"<th>Entries</th><td>(\d+)</td>").Groups[1].Value;
        Assert.NotEmpty(entries);
        var file = Path.Combine(TestEnvironment.TempDirectory("report-pdf"), "report.pdf");
        await File.WriteAllBytesAsync(file, await auditor.GetByteArrayAsync($"/api/v1/reports/runs/{pdf.Id}/download", Ct), Ct);
        var text = await PdfTextAsync(file);
        Assert.Contains("Audit extract", text);
        Assert.Matches($@"Entries\s+{entries}\b", text);
    }

    private static async Task<string> PdfTextAsync(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("pdftotext", ["-layout", file, "-"]) { RedirectStandardOutput = true })!;
        var text = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return text;
    }
}
