using System.Net;
using SecurityConsole.Client.Reports;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Reports;

public sealed class TemplateAndSchedulePagesTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Guid TemplateId = Guid.Parse("6f0c1a52-0000-4000-8000-000000000002");
    private const string Saved = "<h1>{{ report.title }}</h1>\n<p>Entries: {{ audit.entry_count }}</p>";

    public TemplateAndSchedulePagesTests() => SignInWith(Permissions.ReportsRead, Permissions.ReportsWrite, Permissions.AuditRead);

    private static TemplateView Template() => new(TemplateId, "Entry count", ReportTypes.AuditExtract, 1, 1, "user-ada", Now,
        [new TemplateVersionView(1, TemplateVersionStates.Published, new string('c', 64), Now, "ada@example.com", "first cut", Now, "ada@example.com", Saved)]);

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<Bunit.Rendering.ContainerFragment> cut, string testId) =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    private static AngleSharp.Dom.IElement Source(IRenderedComponent<TemplateEditorPage> cut) =>
        cut.Find("textarea[data-testid=editor-source], [data-testid=editor-source] textarea");

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<TemplateEditorPage> cut, string testId) =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    [Fact]
    public void NoCustomTemplateYetSaysSo()
    {
        Api.ReportTemplates = () => Task.FromResult(new List<TemplateView>());
        var empty = RenderPage<TemplatesPage>();
        empty.WaitForAssertion(() => Assert.Contains("No custom templates", empty.Markup));
    }

    [Fact]
    public void TheTemplatesListShowsEachTemplate()
    {
        Api.ReportTemplates = () => Task.FromResult(new List<TemplateView> { Template() });
        var cut = RenderPage<TemplatesPage>();
        cut.WaitForAssertion(() => Assert.Contains("Entry count", cut.Find("[data-testid=template-row]").TextContent));
        Assert.Contains("v1", cut.Find("[data-testid=template-row]").TextContent);
    }

    [Fact]
    public void TheEditorPreviewsAsYouTypeGivesProblemsWithLineAndColumnAndDiffsAgainstTheSavedVersion()
    {
        Api.ReportTemplate = _ => Task.FromResult(Template());
        Api.ValidateReportTemplate = r => Task.FromResult(r.Source.Contains("oops", StringComparison.Ordinal)
            ? new TemplateValidation(false, [new TemplateProblem("Unknown variable 'oops'.", 3, 4)])
            : new TemplateValidation(true, []));
        Api.PreviewReportTemplate = r => Task.FromResult($"<p>Entries: 12</p><!-- {r.Source.Length} -->");
        var cut = Render<TemplateEditorPage>(p => p.Add(x => x.Id, TemplateId));

        cut.WaitForAssertion(() => Assert.Contains("Entries: 12", cut.Find("[data-testid=editor-preview]").GetAttribute("srcdoc")));
        Assert.Equal("", cut.Find("[data-testid=editor-preview]").GetAttribute("sandbox"));
        Assert.Contains(cut.FindAll(".mud-tab"), t => t.TextContent.Contains("Changes (none)", StringComparison.Ordinal));

        Source(cut).Input(Saved + "\n{{ oops }}");
        cut.WaitForAssertion(() => Assert.Equal("Line 3, column 4: Unknown variable 'oops'.", cut.Find("[data-testid=editor-problem]").TextContent.Trim()));
        Assert.Single(Api.PreviewedSources); // An invalid source is not rendered.

        Source(cut).Input(Saved + "\n<p>{{ report.period }}</p>");
        cut.WaitForAssertion(() => Assert.Equal(2, Api.PreviewedSources.Count));
        cut.WaitForAssertion(() => Assert.Contains("The template is valid", cut.Markup));
        cut.FindAll(".mud-tab").First(t => t.TextContent.Contains("Changes", StringComparison.Ordinal)).Click();
        var added = cut.WaitForElement("[data-testid=editor-diff] [data-kind=Inserted]");
        Assert.Contains("report.period", added.TextContent);
    }

    [Fact]
    public void PublishingAsksForTheReasonFirst()
    {
        Api.ReportTemplate = _ => Task.FromResult(Template() with
        {
            PublishedVersion = 1, LatestVersion = 2,
            Versions = [.. Template().Versions, new TemplateVersionView(2, TemplateVersionStates.Draft, new string('d', 64), Now, "ada@example.com", null, null, null, Saved + "\n")],
        });
        var published = new List<PublishTemplateRequest>();
        Api.PublishReportTemplate = (_, r) => { published.Add(r); return Task.FromResult(Template()); };
        var cut = Render<TemplateEditorPage>(p => p.Add(x => x.Id, TemplateId));
        cut.WaitForAssertion(() => cut.FindAll(".mud-tab").First(t => t.TextContent.Contains("Versions", StringComparison.Ordinal)).Click());
        cut.WaitForAssertion(() => cut.Find("[data-testid=version-publish]").Click());
        cut.WaitForAssertion(() => Assert.Contains("Say why", cut.Find("[data-testid=editor-message]").TextContent));
        Assert.Empty(published);

        Field(cut, "editor-note").Change("ready for the quarter");
        cut.Find("[data-testid=version-publish]").Click();
        cut.WaitForAssertion(() => Assert.Equal(new PublishTemplateRequest(2, "ready for the quarter"), Assert.Single(published)));
    }

    [Fact]
    public void SchedulesShowTheirNextRunsAndTheEditorShowsTheServersReasonByField()
    {
        var schedule = new ScheduleView(Guid.NewGuid(), "Weekly audit", ReportTypes.AuditExtract, null, ReportFormats.Pdf,
            new Dictionary<string, string> { ["period"] = ReportPeriods.Last7Days }, "0 6 * * 1", "Europe/Paris", true, false,
            new ScheduleDeliveryView(["ciso@example.com"], "https://hooks.example.com/r", true), null, [new DateTimeOffset(2030, 1, 7, 5, 0, 0, TimeSpan.Zero)]);
        Api.ReportCatalogue = () => Task.FromResult(ReportPagesTests.Catalogue());
        Api.ReportSchedules = () => Task.FromResult(new List<ScheduleView> { schedule });
        Api.SaveReportSchedule = (_, _) => throw new ApiException(HttpStatusCode.BadRequest, "Invalid", null, new Dictionary<string, string[]>
        {
            ["delivery.webhookUrl"] = ["10.1.2.3 is an internal address; webhooks must reach a public address."],
        });
        var cut = RenderPage<SchedulesPage>();

        cut.WaitForAssertion(() => Assert.Contains("2030-01-07", cut.Find("[data-testid=schedule-next]").TextContent));
        Assert.Contains("only with data", cut.Find("[data-testid=schedule-row]").TextContent);

        cut.Find("[data-testid=schedule-new]").Click();
        Field(cut, "schedule-name").Change("Nightly");
        Field(cut, "schedule-webhook").Change("https://10.1.2.3/hook");
        cut.Find("[data-testid=schedule-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("internal address", cut.Find("[data-testid=schedule-editor]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=schedule-error]")); // Shown at its field, not in the summary.
        var (id, request) = Assert.Single(Api.SavedSchedules);
        Assert.Null(id);
        Assert.Equal(("Nightly", "https://10.1.2.3/hook"), (request.Name, request.Delivery!.WebhookUrl));
    }

    [Fact]
    public void NoScheduleYetSaysHowToMakeOne()
    {
        Api.ReportCatalogue = () => Task.FromResult(ReportPagesTests.Catalogue());
        Api.ReportSchedules = () => Task.FromResult(new List<ScheduleView>());
        var cut = RenderPage<SchedulesPage>();
        cut.WaitForAssertion(() => Assert.Contains("No schedules", cut.Markup));
    }
}
