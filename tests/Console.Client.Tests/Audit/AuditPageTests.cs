using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Audit.AuditTestData;
using AuditPage = SecurityConsole.Client.Audit.AuditPage;
using TrailPage = SecurityConsole.Shared.Audit.AuditPage;

namespace SecurityConsole.Client.Tests.Audit;

public sealed class AuditPageTests : ConsoleTestContext
{
    public AuditPageTests()
    {
        SignInWith(Permissions.AuditRead);
        Api.SearchAudit = q => Task.FromResult(q.Before switch
        {
            null => new TrailPage(Entries(60, 11), NextBefore: 11, NextAfter: null),
            11 => new TrailPage(Entries(10, 1), NextBefore: null, NextAfter: 10),
            _ => new TrailPage([], null, null),
        });
    }

    private static IReadOnlyList<string> Sequences(IRenderedComponent<ContainerFragment> cut) =>
        [.. cut.FindAll("[data-testid=audit-table] tbody tr td[data-label='#']").Select(td => td.TextContent.Trim())];

    private static IElement Dialog(IRenderedComponent<ContainerFragment> cut) => cut.Find(".mud-dialog");

    /// <summary>A text field's input, whether the test id sits on its wrapper or on the input itself.</summary>
    private static string Input(string testId) => $"[data-testid={testId}] input, input[data-testid={testId}]";

    [Fact]
    public void ThePageListsEntriesNewestFirstAndPagesOlder()
    {
        var cut = RenderPage<AuditPage>();

        Assert.Equal("60", Sequences(cut)[0]);
        Assert.Equal("11", Sequences(cut)[^1]);
        Assert.True(cut.Find("[data-testid=page-newer]").HasAttribute("disabled"));

        cut.Find("[data-testid=page-older]").Click();

        cut.WaitForAssertion(() => Assert.Equal(["10", "9", "8", "7", "6", "5", "4", "3", "2", "1"], Sequences(cut)));
        Assert.Equal(11, Api.AuditSearches[^1].Before);
        Assert.True(cut.Find("[data-testid=page-older]").HasAttribute("disabled"));
        Assert.False(cut.Find("[data-testid=page-newer]").HasAttribute("disabled"));
        Assert.Contains("Entries #1 to #10", cut.Find("[data-testid=audit-pager]").TextContent);
    }

    [Fact]
    public void EachRowShowsTimeCategoryActionActorTargetAndAnOutcomeChip()
    {
        Api.SearchAudit = _ => Task.FromResult(new TrailPage([Entry(7, "user.locked", outcome: "denied")], null, null));

        var cut = RenderPage<AuditPage>();

        var row = cut.Find("[data-testid=audit-table] tbody tr");
        Assert.Contains("admin", row.QuerySelector("[data-label=Category]")!.TextContent);
        Assert.Contains("user.locked", row.QuerySelector("[data-label=Action]")!.TextContent);
        Assert.Contains("user", row.QuerySelector("[data-label=Actor]")!.TextContent);
        Assert.Contains("target-7", row.QuerySelector("[data-label=Target]")!.TextContent);
        var outcome = row.QuerySelector("[data-testid=outcome]")!;
        Assert.Equal("denied", outcome.TextContent.Trim());
        Assert.Contains("mud-chip-color-warning", outcome.ClassName);
    }

    [Fact]
    public void FiltersAreSentAsQueryParametersAndCarriedIntoTheExportLinks()
    {
        var cut = RenderPage<AuditPage>();

        cut.Find(Input("filter-action")).Input("setup.*");
        cut.Find(Input("filter-actor")).Input("u-42");
        cut.Find(Input("filter-text")).Input("Admin");
        cut.Find("[data-testid=audit-filters] form").Submit();

        cut.WaitForAssertion(() => Assert.Equal(2, Api.AuditSearches.Count));
        var query = Api.AuditSearches[^1];
        Assert.Equal(("setup.*", "u-42", "Admin"), (query.Action, query.Actor, query.Text));
        Assert.Null(query.Before);
        Assert.Equal("?actor=u-42&action=setup.%2A&text=Admin", query.ToQueryString());
        Assert.Equal("api/v1/audit/export?format=csv&actor=u-42&action=setup.%2A&text=Admin",
            cut.Find("[data-testid=export-csv]").GetAttribute("href"));
        Assert.StartsWith("api/v1/audit/export?format=json&", cut.Find("[data-testid=export-json]").GetAttribute("href"));
    }

    [Fact]
    public void AFilterThatMatchesNothingSaysSoAndOffersToClearIt()
    {
        Api.SearchAudit = q => Task.FromResult(q.Action is null ? new TrailPage(Entries(3, 1), null, null) : new TrailPage([], null, null));
        var cut = RenderPage<AuditPage>();

        cut.Find(Input("filter-action")).Input("nothing.*");
        cut.Find("[data-testid=audit-filters] form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("No entry matches these filters", cut.Find("[data-testid=empty-state]").TextContent));
        cut.Find("[data-testid=empty-clear]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["3", "2", "1"], Sequences(cut)));
    }

    [Fact]
    public void TheTableAndTheEntryNameTheActorAndTargetAsTheServerNamesThem()
    {
        var named = Entry(7) with { ActorName = "m***@example.com #1a2b3c4d", TargetName = "sc_live_ab12…wxyz “deploy-bot”, service billing" };
        Api.SearchAudit = _ => Task.FromResult(new TrailPage([named], null, null));
        var cut = RenderPage<AuditPage>();

        Assert.Equal("m***@example.com #1a2b3c4d", cut.Find("[data-testid=actor]").TextContent.Trim());
        Assert.Equal("sc_live_ab12…wxyz “deploy-bot”, service billing", cut.Find("[data-testid=target]").TextContent.Trim());
        cut.Find("button[aria-label='Open entry 7']").Click();
        Assert.StartsWith("m***@example.com #1a2b3c4d", cut.Find("[data-testid=entry-actor]").TextContent.Trim());
    }

    [Fact]
    public void PersonalDataShowsMaskedAndWithoutPiiReadThereIsNoRevealButton()
    {
        var masked = Entry(5, personal: new() { ["email"] = "a***@example.com" }, state: PersonalDataState.Masked, sourceIp: "10.20.*.*");
        Api.SearchAudit = _ => Task.FromResult(new TrailPage([masked], null, null));
        var cut = RenderPage<AuditPage>();

        Assert.Contains("email: a***@example.com · ip: 10.20.*.*", cut.Find("[data-testid=personal]").TextContent);
        cut.Find("button[aria-label='Open entry 5']").Click();

        Assert.Single(cut.FindAll(".mud-dialog"));
        var dialog = Dialog(cut);
        Assert.Contains("a***@example.com", dialog.QuerySelector("[data-testid=entry-personal]")!.TextContent);
        Assert.Contains("needs the pii:read permission", dialog.TextContent);
        Assert.Null(dialog.QuerySelector("[data-testid=reveal]"));
        Assert.Contains("hash-0005", dialog.QuerySelector("[data-testid=entry-chain]")!.TextContent);
        Assert.Contains("hash-0004", dialog.QuerySelector("[data-testid=entry-chain]")!.TextContent);
        Assert.Contains("\"roles\"", dialog.QuerySelector("[data-testid=entry-data]")!.TextContent);
    }

    [Fact]
    public void WithPiiReadTheRevealButtonSaysItIsAuditedAndShowsTheDataInFull()
    {
        SignInWith(Permissions.AuditRead, Permissions.PiiRead);
        var masked = Entry(5, personal: new() { ["email"] = "a***@example.com" }, state: PersonalDataState.Masked);
        Api.SearchAudit = _ => Task.FromResult(new TrailPage([masked], null, null));
        Api.AuditEntry = (seq, reveal) => Task.FromResult(Entry(seq, personal: new() { ["email"] = "ada@example.com" },
            state: reveal ? PersonalDataState.Revealed : PersonalDataState.Masked));
        var cut = RenderPage<AuditPage>();

        cut.Find("button[aria-label='Open entry 5']").Click();
        Assert.Contains("recorded in the audit trail", Dialog(cut).TextContent);
        Dialog(cut).QuerySelector("[data-testid=reveal]")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("ada@example.com", Dialog(cut).QuerySelector("[data-testid=entry-personal]")!.TextContent));
        Assert.Contains("This reveal has been recorded", Dialog(cut).QuerySelector("[data-testid=revealed-note]")!.TextContent);
        Assert.Null(Dialog(cut).QuerySelector("[data-testid=reveal]"));
        Assert.Equal([(5L, true)], Api.AuditEntryRequests);
    }

    [Fact]
    public void ReadersDoNotSeeTheRetentionLink()
    {
        var cut = RenderPage<AuditPage>();

        Assert.Empty(cut.FindAll("[data-testid=retention-link]"));
    }

    [Fact]
    public void PeopleWhoManageTheTrailSeeTheRetentionLink()
    {
        SignInWith(Permissions.AuditRead, Permissions.AuditManage);

        var cut = RenderPage<AuditPage>();

        Assert.Equal("audit/retention", cut.Find("[data-testid=retention-link]").GetAttribute("href"));
    }

    [Fact]
    public void WhenTheTrailCannotBeLoadedThePageSaysWhyAndOffersToTryAgain()
    {
        var fail = true;
        Api.SearchAudit = _ => fail
            ? Task.FromException<TrailPage>(ApiException.Unreachable(new HttpRequestException("down")))
            : Task.FromResult(new TrailPage(Entries(2, 1), null, null));
        var cut = RenderPage<AuditPage>();

        var alert = cut.Find("[data-testid=audit-error]");
        Assert.Contains("could not be reached", alert.TextContent);
        fail = false;
        alert.QuerySelector("button")!.Click();
        cut.WaitForAssertion(() => Assert.Equal(["2", "1"], Sequences(cut)));
    }
}
