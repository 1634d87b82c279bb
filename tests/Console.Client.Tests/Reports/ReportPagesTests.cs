using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Reports;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Realtime;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Reports;

public sealed class ReportPagesTests : ConsoleTestContext
{
    internal static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    internal static readonly Guid RunId = Guid.Parse("6f0c1a52-0000-4000-8000-000000000001");

    public ReportPagesTests() => SignInWith(Permissions.ReportsRead, Permissions.ReportsWrite, Permissions.AuditRead);

    internal static List<ReportCatalogueItem> Catalogue() =>
    [
        new(ReportTypes.SecuritySummary, ReportTypes.SecuritySummary, "Security summary", "Alerts by severity.", true, 1, ["severity"], Permissions.AlertsRead),
        new(ReportTypes.AuditExtract, ReportTypes.AuditExtract, "Audit extract", "Audit entries of a period.", true, 1, ["action"], Permissions.AuditRead),
    ];

    internal static ReportRunView Run(string status, string? stage = null, int percent = 0, ReportArtifactView? artifact = null, string? failure = null) => new(
        RunId, ReportTypes.AuditExtract, ReportTypes.AuditExtract, "Audit extract", 1, ReportFormats.Pdf, status, stage, percent, failure, "user-ada",
        Now, Now, ReportRunStatuses.IsFinished(status) ? Now : null,
        artifact is null ? [] : [new StageTiming(ReportStages.Querying, 12), new StageTiming(ReportStages.Rendering, 30), new StageTiming(ReportStages.Pdf, 900)],
        new Dictionary<string, string> { ["period"] = ReportPeriods.Last30Days }, new ReportWatermark(42, 7, 9), artifact, null, [], artifact is null ? null : 3);

    [Fact]
    public void TheCatalogueShowsEachReportAndRunningOneStartsItAndOpensItsRunPage()
    {
        Api.ReportCatalogue = () => Task.FromResult(Catalogue());
        Api.StartReport = _ => Task.FromResult(new RunAccepted(RunId, ReportRunStatuses.Queued, $"/api/v1/reports/runs/{RunId}"));
        var cut = RenderPage<ReportsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=catalogue-item]").Count));
        Assert.Contains("No runs yet", cut.Markup);
        cut.Find("[data-template=audit-extract] [data-testid=catalogue-choose]").Click();
        cut.Find("[data-testid=run-start]").Click();

        cut.WaitForAssertion(() => Assert.EndsWith($"/reports/runs/{RunId}", Services.GetRequiredService<NavigationManager>().Uri));
        var started = Assert.Single(Api.StartedReports);
        Assert.Equal((ReportTypes.AuditExtract, ReportFormats.Html, ReportPeriods.Last30Days), (started.Template, started.Format, started.Parameters!["period"]));
    }

    [Fact]
    public void TheCatalogueShowsLoadingThenAnErrorInWordsWithARetry()
    {
        var answer = new TaskCompletionSource<List<ReportCatalogueItem>>();
        Api.ReportCatalogue = () => answer.Task;
        var cut = RenderPage<ReportsPage>();
        Assert.NotEmpty(cut.FindAll("[data-testid=reports-loading]"));

        answer.SetException(new ApiException(HttpStatusCode.ServiceUnavailable, "The database is unavailable", null, null));
        cut.WaitForAssertion(() => Assert.Contains("could not be loaded", cut.Find("[data-testid=reports-error]").TextContent));

        Api.ReportCatalogue = () => Task.FromResult(Catalogue());
        cut.Find("[data-testid=reports-error] button").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=catalogue-item]").Count));
    }

    [Fact]
    public void ARefusedRunShowsTheServersSentence()
    {
        Api.ReportCatalogue = () => Task.FromResult(Catalogue());
        Api.StartReport = _ => throw new ApiException(HttpStatusCode.BadRequest, "Invalid", null,
            new Dictionary<string, string[]> { ["template"] = ["A security summary report reads data that needs alerts:read, which you do not hold."] });
        var cut = RenderPage<ReportsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-template=security-summary] [data-testid=catalogue-choose]").Click());
        cut.Find("[data-testid=run-start]").Click();
        cut.WaitForAssertion(() => Assert.Contains("needs alerts:read", cut.Find("[data-testid=run-error]").TextContent));
    }

    [Fact]
    public void TheFormSendsTheReportsFiltersAndShowsAnUnknownValueAtItsField()
    {
        Api.ReportCatalogue = () => Task.FromResult<List<ReportCatalogueItem>>(
            [new(ReportTypes.CompliancePosture, ReportTypes.CompliancePosture, "Compliance posture", "Posture per framework.", true, 1, ["framework"], Permissions.ComplianceRead)]);
        Api.StartReport = _ => throw new ApiException(HttpStatusCode.BadRequest, "Invalid", null,
            new Dictionary<string, string[]> { ["parameters.framework"] = ["Must be one of: iso-27001, pci-dss-4."] });
        var cut = RenderPage<ReportsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-template=compliance-posture] [data-testid=catalogue-choose]").Click());

        cut.Find("input[data-testid=run-filter-framework], [data-testid=run-filter-framework] input").Change("pci-dss-9");
        cut.Find("[data-testid=run-start]").Click();

        // The server's sentence stands under the framework field, not in the form's summary.
        cut.WaitForAssertion(() => Assert.Contains("Must be one of: iso-27001, pci-dss-4.", cut.Find("[data-testid=run-form]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=run-error]"));
        Assert.Equal("pci-dss-9", Assert.Single(Api.StartedReports).Parameters!["framework"]);
    }

    [Fact]
    public async Task ARunPageFollowsTheStagesLiveAndOffersTheDownloadWhenTheRunSucceeds()
    {
        Api.ReportRun = _ => Task.FromResult(Run(ReportRunStatuses.Queued));
        var cut = Render<RunPage>(p => p.Add(x => x.Id, RunId));
        cut.WaitForAssertion(() => Assert.Contains("Waiting for a free report worker", cut.Find("[data-testid=run-stage]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=run-download]"));

        var live = Services.GetRequiredService<LiveConnection>();
        await live.DispatchAsync(nameof(IConsoleClient.ReportProgress), new ReportProgress(RunId, ReportRunStatuses.Running, ReportStages.Pdf, 70, null));
        cut.WaitForAssertion(() => Assert.Equal("Printing the PDF (70%)", cut.Find("[data-testid=run-stage]").TextContent.Trim()));
        // Another run's progress is not this page's business.
        await live.DispatchAsync(nameof(IConsoleClient.ReportProgress), new ReportProgress(Guid.NewGuid(), ReportRunStatuses.Running, ReportStages.Querying, 10, null));
        Assert.Equal("Printing the PDF (70%)", cut.Find("[data-testid=run-stage]").TextContent.Trim());

        Api.ReportRun = _ => Task.FromResult(Run(ReportRunStatuses.Succeeded, artifact: new ReportArtifactView(ReportFormats.Pdf, 52_000, new string('a', 64), new string('b', 64), "audit.pdf", Now.AddDays(90))));
        await live.DispatchAsync(nameof(IConsoleClient.ReportProgress), new ReportProgress(RunId, ReportRunStatuses.Succeeded, null, 100, null));

        cut.WaitForAssertion(() => Assert.Equal($"api/v1/reports/runs/{RunId}/download", cut.Find("[data-testid=run-download]").GetAttribute("href")));
        Assert.Equal(ReportRunStatuses.Succeeded, cut.Find("[data-testid=run-status]").TextContent.Trim());
        Assert.Contains("900 ms", cut.Find("[data-stage=pdf]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=run-cancel]"));
    }

    [Fact]
    public async Task ARunPageReadsTheRunOnceAndThenOnlyListensToTheHubUntilTheRunEnds()
    {
        var reads = 0;
        Api.ReportRun = _ =>
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult(Run(ReportRunStatuses.Running));
        };
        var cut = Render<RunPage>(p => p.Add(x => x.Id, RunId));
        cut.WaitForAssertion(() => Assert.Equal(1, reads));

        // Each stage arrives over the hub and is shown without asking the server again: no polling.
        var live = Services.GetRequiredService<LiveConnection>();
        foreach (var (stage, percent) in new[] { (ReportStages.Querying, 10), (ReportStages.Rendering, 40), (ReportStages.Pdf, 70) })
        {
            await live.DispatchAsync(nameof(IConsoleClient.ReportProgress), new ReportProgress(RunId, ReportRunStatuses.Running, stage, percent, null));
            cut.WaitForAssertion(() => Assert.Contains($"({percent}%)", cut.Find("[data-testid=run-stage]").TextContent));
        }
        Assert.Equal(1, reads);

        // The end is read once more, for the artifact and the timings, and that is all.
        Api.ReportRun = _ =>
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult(Run(ReportRunStatuses.Succeeded));
        };
        await live.DispatchAsync(nameof(IConsoleClient.ReportProgress), new ReportProgress(RunId, ReportRunStatuses.Succeeded, null, 100, null));
        cut.WaitForAssertion(() => Assert.Equal(ReportRunStatuses.Succeeded, cut.Find("[data-testid=run-status]").TextContent.Trim()));
        Assert.Equal(2, reads);
    }

    [Fact]
    public void AFailedRunSaysWhyAndAMissingRunSaysSo()
    {
        Api.ReportRun = _ => Task.FromResult(Run(ReportRunStatuses.Failed, failure: "The run took longer than 600 seconds, the time limit, and was stopped during rendering."));
        var cut = Render<RunPage>(p => p.Add(x => x.Id, RunId));
        cut.WaitForAssertion(() => Assert.Contains("the time limit", cut.Find("[data-testid=run-failure]").TextContent));

        Api.ReportRun = _ => throw new ApiException(HttpStatusCode.NotFound, "Not found", null, null);
        var missing = Render<RunPage>(p => p.Add(x => x.Id, Guid.NewGuid()));
        missing.WaitForAssertion(() => Assert.Contains("no such run", missing.Find("[data-testid=run-error]").TextContent));
    }
}
