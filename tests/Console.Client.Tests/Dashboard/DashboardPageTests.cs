using System.Net;
using Microsoft.AspNetCore.Components;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Dashboard;

public sealed class DashboardPageTests : ConsoleTestContext
{
    private static readonly DashboardSummary Summary = new(
        Users: 7, ActiveKeys: 12, PendingInvitations: 2, AuditEntries: 345,
        AuditActivity: [new DailyCount(new DateOnly(2025, 3, 1), 5), new DailyCount(new DateOnly(2025, 3, 2), 8)]);

    private static string[] CardValues(IRenderedComponent<DashboardPage> cut) =>
        [.. cut.FindAll("[data-testid=stat-card] h5").Where(h => h.Closest("[data-testid=my-keys-overview]") is null).Select(h => h.TextContent.Trim())];

    [Fact]
    public void DashboardShowsSkeletonsWhileTheFiguresLoad()
    {
        var pending = new TaskCompletionSource<DashboardSummary>();
        Api.Dashboard = () => pending.Task;

        var cut = Render<DashboardPage>();

        Assert.Equal(4, cut.FindAll("[data-testid=stat-card] .mud-skeleton").Count);
        Assert.NotNull(cut.Find("[data-testid=chart-loading]"));
        Assert.Empty(CardValues(cut));
    }

    [Fact]
    public void DashboardShowsTheNumbersOnceLoaded()
    {
        var pending = new TaskCompletionSource<DashboardSummary>();
        Api.Dashboard = () => pending.Task;
        var cut = Render<DashboardPage>();

        pending.SetResult(Summary);

        cut.WaitForAssertion(() => Assert.Equal(["7", "12", "2", "345"], CardValues(cut)));
        Assert.Empty(cut.FindAll(".mud-skeleton"));
        // Counts per day are bars, one labelled bar per day up to today.
        Assert.Equal("bar", cut.Find("[data-testid=chart]").GetAttribute("data-chart-type"));
    }

    [Fact]
    public void DashboardSaysSoWhenThereWasNoActivity()
    {
        Api.Dashboard = () => Task.FromResult(Summary with { AuditActivity = [] });

        var cut = Render<DashboardPage>();

        Assert.Contains("No activity recorded in the last 14 days.", cut.Find("[data-testid=chart]").TextContent);
    }

    [Fact]
    public void DashboardShowsAnErrorWithRetryWhenTheApiFailsAndRecoversOnRetry()
    {
        var fail = true;
        Api.Dashboard = () => fail
            ? Task.FromException<DashboardSummary>(new ApiException(HttpStatusCode.InternalServerError, null, null, null))
            : Task.FromResult(Summary);

        var cut = Render<DashboardPage>();

        var alert = cut.Find("[data-testid=dashboard-error]");
        Assert.Contains("The console had a problem. Try again", alert.TextContent);
        Assert.Empty(cut.FindAll("[data-testid=stat-card] .mud-skeleton"));

        fail = false;
        alert.QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(["7", "12", "2", "345"], CardValues(cut)));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-error]"));
        Assert.Equal(2, Api.DashboardCalls);
    }

    [Fact]
    public void WhileTheServerDrawsTheDashboardAFailureLeavesTheSkeletonsForTheBrowserToFill()
    {
        // ADR 0095: the server draws the Dashboard first; if it cannot read the figures, the browser reads them itself
        // once it takes over, so the drawn page shows no error (which would flash away) and keeps the skeletons.
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        Api.Dashboard = () => Task.FromException<DashboardSummary>(new ApiException(HttpStatusCode.InternalServerError, null, null, null));

        var cut = Render<DashboardPage>();

        Assert.Empty(cut.FindAll("[data-testid=dashboard-error]"));
        Assert.Equal(4, cut.FindAll("[data-testid=stat-card] .mud-skeleton").Count);
        Assert.Null(cut.Instance.Summary);
    }

    [Fact]
    public void DashboardSaysTheConsoleIsUnreachableWhenTheNetworkFails()
    {
        Api.Dashboard = () => Task.FromException<DashboardSummary>(ApiException.Unreachable(new HttpRequestException("connection refused")));

        var cut = Render<DashboardPage>();

        Assert.Contains("could not be reached", cut.Find("[data-testid=dashboard-error]").TextContent);
        Assert.DoesNotContain("connection refused", cut.Markup);
    }

    [Fact]
    public void ApproversSeeTheWaitingRequestsAndKeyReadersTheOverdueKeysEachLinkingToItsList()
    {
        SignInWith(Permissions.KeysApprove, Permissions.KeysRead);
        Api.Dashboard = () => Task.FromResult(Summary with { PendingKeyRequests = 3, OverdueKeys = 5 });

        var cut = Render<DashboardPage>();

        Assert.Equal(["7", "12", "2", "345", "3", "5"], CardValues(cut));
        var links = cut.FindAll("[data-testid=stat-card-link]");
        // Each number leads to the list that shows it.
        Assert.Equal(["keys/all?status=active", "keys/approvals", "keys/all?overdue=true"], links.Select(a => a.GetAttribute("href")));
        Assert.Equal("Key requests waiting: review the requests", links[1].GetAttribute("aria-label"));
    }

    [Fact]
    public void PeopleWhoMayNotActOnKeysDoNotSeeTheKeyCards()
    {
        SignInWith(Permissions.KeysRequest);
        Api.Dashboard = () => Task.FromResult(Summary with { PendingKeyRequests = 3, OverdueKeys = 5 });

        var cut = Render<DashboardPage>();

        Assert.Equal(["7", "12", "2", "345"], CardValues(cut));
        Assert.DoesNotContain(cut.FindAll("[data-testid=stat-card-link]").Where(a => a.Closest("[data-testid=my-keys-overview]") is null),
            a => a.GetAttribute("href") is "keys/approvals" or "keys/all?overdue=true");
    }

    [Fact]
    public void FiguresTheApiLeavesOutForTheCallerHaveNoCard()
    {
        SignInWith(Permissions.KeysRead);
        Api.Dashboard = () => Task.FromResult(new DashboardSummary(
            Users: null, ActiveKeys: 12, PendingInvitations: null, AuditEntries: null, AuditActivity: null, OverdueKeys: 5));

        var cut = Render<DashboardPage>();

        Assert.Equal(["12", "5"], CardValues(cut));
        Assert.DoesNotContain("People", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=chart]"));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-nothing]"));
    }

    [Fact]
    public void ADeveloperSeesTheirOwnKeysInsteadOfCompanyFigures()
    {
        SignInWith(Permissions.KeysRequest);
        Api.Dashboard = () => Task.FromResult(new DashboardSummary(null, null, null, null, null));

        var cut = Render<DashboardPage>();

        Assert.Empty(CardValues(cut));
        Assert.NotNull(cut.Find("[data-testid=my-keys-overview]"));
        Assert.Empty(cut.FindAll("[data-testid=dashboard-nothing]"));
    }

    [Fact]
    public void AnAnalystSeesTheirKeysUnderTheFiguresOnlyOnceTheyOwnOne()
    {
        SignInWith(Permissions.KeysRequest, Permissions.AuditRead);
        Api.Dashboard = () => Task.FromResult(Summary);

        var without = Render<DashboardPage>();
        Assert.Equal(["7", "12", "2", "345"], CardValues(without));
        Assert.Empty(without.FindAll("[data-testid=my-keys-overview]"));

        Api.Keys = (_, _) => Task.FromResult(new List<SecurityConsole.Shared.Keys.ApiKeySummary> { Keys.KeyTestData.Key("triage-bot", ownerId: "user-ada") });
        var withKey = Render<DashboardPage>();
        withKey.WaitForAssertion(() => Assert.NotNull(withKey.Find("[data-testid=my-keys-overview]")));
        Assert.Equal(["7", "12", "2", "345"], CardValues(withKey));
    }

    [Fact]
    public void APersonWhoseRoleHasNoFiguresAndNoKeysIsToldSo()
    {
        SignInWith();
        Api.Dashboard = () => Task.FromResult(new DashboardSummary(null, null, null, null, null));

        var cut = Render<DashboardPage>();

        Assert.Empty(cut.FindAll("[data-testid=stat-card]"));
        Assert.Contains("Your role has no figures on the dashboard", cut.Find("[data-testid=dashboard-nothing]").TextContent);
    }
}
