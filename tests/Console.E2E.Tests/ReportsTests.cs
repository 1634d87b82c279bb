using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// A custom report built in the browser: written with a live preview and a diff, published, run as a PDF whose
/// progress the run page follows over the hub, downloaded, and read back with pdftotext.
/// </summary>
public sealed class ReportsTests
{
    private const string Source = """
        <h1>{{ report.title }}</h1>
        <p>Quarterly figures: {{ audit.entry_count }} audit entries</p>
        {{ audit.by_action | bar_chart: "Entries by action" }}
        """;

    [Fact]
    public async Task SomeoneBuildsACustomReportWatchesItRunAndDownloadsThePdf()
    {
        var images = ScreenshotFolder();
        await using var session = await BrowserSession.StartAsync("--demo");
        var page = session.Page;

        try
        {
            await CreateFirstAdminAsync(page, session.SetupLink);
            await page.GetByTestId("nav").GetByText("Reports", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("catalogue-item").First).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "reports-catalogue.png") });

            // Write the template: the preview renders live data as one types.
            await page.GetByTestId("reports-templates").ClickAsync();
            await page.GetByTestId("template-new").ClickAsync();
            await page.GetByLabel("Name").FillAsync("Quarterly audit");
            await page.GetByLabel("Template (Liquid)").FillAsync(Source);
            var preview = page.FrameLocator("[data-testid=editor-preview]");
            await Expect(preview.GetByText("Quarterly figures")).ToBeVisibleAsync();
            // The preview draws its chart from the demo's audit trail.
            await Expect(preview.Locator("svg").First).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "report-editor-preview.png") });
            await page.GetByTestId("editor-save").ClickAsync();
            await page.WaitForURLAsync(new Regex("/reports/templates/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });

            // A change shows in the preview and as a diff against the saved version.
            await page.GetByLabel("Template (Liquid)").FillAsync(Source + "\n<p>Prepared for the audit committee.</p>");
            await Expect(preview.GetByText("Prepared for the audit committee.")).ToBeVisibleAsync();
            await page.Locator(".mud-tab").Filter(new() { HasText = "Changes" }).ClickAsync();
            await Expect(page.GetByTestId("editor-diff").Locator("[data-kind=Inserted]")).ToContainTextAsync("audit committee");
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "report-editor.png") });
            await page.GetByLabel("Note (why)").FillAsync("For the quarterly audit committee");
            await page.GetByTestId("editor-save").ClickAsync();
            await Expect(page.GetByTestId("editor-message")).ToContainTextAsync("Saved as draft");
            await page.Locator(".mud-tab").Filter(new() { HasText = "Versions" }).ClickAsync();
            await page.GetByTestId("version-publish").First.ClickAsync();
            await Expect(page.GetByTestId("editor-message")).ToContainTextAsync("is now the published version");

            // Run it as a PDF from the catalogue; the run page follows the stages live.
            await page.GetByTestId("nav").GetByText("Reports", new() { Exact = true }).ClickAsync();
            var card = page.GetByTestId("catalogue-item").Filter(new() { HasText = "Quarterly audit" });
            await card.GetByTestId("catalogue-choose").ClickAsync();
            await page.GetByTestId("run-format").ClickAsync();
            await page.Locator(".mud-popover-open").GetByText("PDF", new() { Exact = true }).ClickAsync();
            await page.GetByTestId("run-start").ClickAsync();
            await page.WaitForURLAsync(new Regex("/reports/runs/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
            try
            {
                // The first PDF starts the shared browser, so the run is usually caught in progress; if not, it has finished.
                await Expect(page.GetByTestId("run-progress")).ToBeVisibleAsync(new() { Timeout = 5000 });
                await page.ScreenshotAsync(new() { Path = Path.Combine(images, "report-run-progress.png") });
            }
            catch (PlaywrightException)
            {
            }
            await Expect(page.GetByTestId("run-status")).ToHaveTextAsync("succeeded", new() { Timeout = 180_000 });
            await Expect(page.GetByTestId("run-stages").Locator("[data-stage=pdf]")).ToContainTextAsync("ms");
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "report-run.png") });

            // Download the PDF and read it back.
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("run-download").ClickAsync());
            var pdf = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.pdf");
            await download.SaveAsAsync(pdf);
            try
            {
                var text = await RunAsync("pdftotext", pdf, "-");
                Assert.Contains("Quarterly audit", text);
                Assert.Contains("Quarterly figures:", text);
                Assert.Contains("Prepared for the audit committee.", text);
                await RunAsync("pdftoppm", "-png", "-f", "1", "-l", "1", "-r", "70", "-singlefile", pdf, Path.Combine(images, "report-pdf-page"));
            }
            finally
            {
                File.Delete(pdf);
            }
            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        args.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{tool} failed: {await process.StandardError.ReadToEndAsync()}");
        return output;
    }
}
