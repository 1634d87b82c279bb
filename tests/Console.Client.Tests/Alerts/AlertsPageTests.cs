using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Alerts.AlertTestData;

namespace SecurityConsole.Client.Tests.Alerts;

public sealed class AlertsPageTests : ConsoleTestContext
{
    public AlertsPageTests() => SignInWith(Permissions.AlertsRead, Permissions.AlertsTriage);

    private Task LiveAsync(AlertView alert) => Services.GetRequiredService<LiveConnection>().DispatchAsync(HubMethods.AlertChanged, alert);

    [Fact]
    public async Task ALiveAlertAppearsAtTheTopHighlighted()
    {
        Api.Alerts = _ => Task.FromResult(new AlertPage([Alert(2, "Older one"), Alert(1, "Oldest one")], null, "1.0"));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=alert-row]").Count));

        await LiveAsync(Alert(3, "Revoked key tried", AlertSeverities.Critical));

        cut.WaitForAssertion(() => Assert.Equal("Revoked key tried", cut.FindAll("[data-testid=alert-title]")[0].TextContent));
        var top = cut.FindAll("[data-testid=alert-row]")[0];
        Assert.Contains("alert-fresh", top.ClassName);
        Assert.Contains("alert-critical", top.ClassName);
        Assert.DoesNotContain("alert-fresh", cut.FindAll("[data-testid=alert-row]")[1].ClassName);
        Assert.Contains("Revoked key tried", cut.Find(".mud-snackbar").TextContent);
    }

    [Fact]
    public void OpenAndAcknowledgedAlertsComeFirstNewestFirstAndClosedOnesAreDimmedBelowThem()
    {
        Api.Alerts = _ => Task.FromResult(new AlertPage(
        [
            Alert(9, "Newest, resolved", status: AlertStatuses.Resolved),
            Alert(8, "Open", severity: AlertSeverities.Low),
            Alert(7, "Not a threat", status: AlertStatuses.FalsePositive),
            Alert(6, "Acknowledged", status: AlertStatuses.Acknowledged),
        ], null, "1.0"));
        var cut = RenderPage<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Equal(["Open", "Acknowledged", "Newest, resolved", "Not a threat"],
            cut.FindAll("[data-testid=alert-title]").Select(t => t.TextContent)));
        var rows = cut.FindAll("[data-testid=alert-row]");
        Assert.Equal(["false", "false", "true", "true"], rows.Select(r => r.GetAttribute("data-closed")));
        Assert.All(rows.Skip(2), r => Assert.Contains("opacity: 0.55", r.GetAttribute("style")));
        Assert.All(rows.Take(2), r => Assert.DoesNotContain("opacity", r.GetAttribute("style")));
    }

    [Fact]
    public async Task ALiveAlertsPopUpOpensThatAlertsPage()
    {
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Contains("No alerts yet", cut.Markup));

        await LiveAsync(Alert(31, "Revoked key sc_live_ab12 presented once after revocation (from 198.51.100.23)", AlertSeverities.High));

        cut.WaitForAssertion(() => cut.Find(".mud-snackbar button").Click());
        Assert.EndsWith("/alerts/31", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void ARowShowsTheEvidenceUnderTheTitle()
    {
        Api.Alerts = _ => Task.FromResult(new AlertPage([Alert(8, "10 failed sign-ins for ana@example.com from different addresses in 5 minutes (threshold 10)",
            summary: "Last attempt at 10:43 UTC: failed sign-in by ana@example.com from 185.220.101.8.")], null, "1.0"));
        var cut = RenderPage<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Equal("Last attempt at 10:43 UTC: failed sign-in by ana@example.com from 185.220.101.8.",
            cut.Find("[data-testid=alert-summary]").TextContent));
    }

    [Fact]
    public void TheDetailOverTheListLinksToTheAlertsOwnPage()
    {
        var alert = Alert(4, "Lock-out of ada");
        Api.Alerts = _ => Task.FromResult(new AlertPage([alert], null, "1.0"));
        Api.Alert = _ => Task.FromResult(new AlertDetail(alert, [], [], []));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=alert-row]").Click());

        cut.WaitForAssertion(() => Assert.Equal("alerts/4", cut.Find("[data-testid=alert-permalink]").GetAttribute("href")));
    }

    [Fact]
    public async Task AGroupedAlertShowsHowOftenItFiredAndALaterVersionReplacesAnEarlierOne()
    {
        Api.Alerts = _ => Task.FromResult(new AlertPage([Alert(5, count: 7, lastSeen: DateTimeOffset.UtcNow.AddMinutes(-2))], null, "1.0"));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Equal("fired 7 times, first 12 min ago, last 2 min ago", cut.Find("[data-testid=alert-fired]").TextContent));

        await LiveAsync(Alert(5, count: 8, version: 2));
        cut.WaitForAssertion(() => Assert.Equal("fired 8 times, first 10 min ago, last just now", cut.Find("[data-testid=alert-fired]").TextContent));

        await LiveAsync(Alert(5, count: 6, version: 1));
        Assert.Equal("fired 8 times, first 10 min ago, last just now", cut.Find("[data-testid=alert-fired]").TextContent);
        Assert.Single(cut.FindAll("[data-testid=alert-row]"));
    }

    [Fact]
    public async Task ALiveAlertOutsideTheFiltersIsNotShown()
    {
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Contains("No alerts yet", cut.Markup));
        var page = cut.FindComponent<AlertsPage>();

        // Filter on critical through the select's callback, as a person picking it would.
        await cut.InvokeAsync(() => page.Instance.SeveritiesChanged([AlertSeverities.Critical]));
        page.Render();
        Assert.Equal([AlertSeverities.Critical], Api.AlertQueries[^1].Severities);
        cut.WaitForAssertion(() => Assert.Contains("No alert matches these filters", cut.Markup));

        await LiveAsync(Alert(9, "Only high", AlertSeverities.High));
        await LiveAsync(Alert(10, "A critical one", AlertSeverities.Critical));

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-row]")));
        Assert.Equal("A critical one", cut.Find("[data-testid=alert-title]").TextContent);
    }

    [Fact]
    public void TheEmptyStateSaysHowServicesSendEvents()
    {
        var cut = RenderPage<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Contains("POST /api/v1/events", cut.Find("[data-testid=empty-state]").TextContent));
        Assert.Contains("events:write", cut.Markup);
        Assert.NotNull(cut.Find("a[href='api-docs']"));
    }

    [Fact]
    public void AFailedLoadOffersToTryAgain()
    {
        Api.Alerts = _ => throw new SecurityConsole.Client.Services.ApiException(System.Net.HttpStatusCode.InternalServerError, null, null, null);
        var cut = RenderPage<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Contains("The console had a problem", cut.Find("[data-testid=alerts-error]").TextContent));
    }

    [Fact]
    public async Task AfterAReconnectTheMissedChangesAreFetchedFromTheCursor()
    {
        Api.Alerts = _ => Task.FromResult(new AlertPage([Alert(1, "Before the outage")], null, "100.0"));
        Api.AlertChanges = _ => Task.FromResult(new AlertChanges([Alert(2, "Raised while offline"), Alert(1, "Before the outage", status: AlertStatuses.Resolved, version: 2)], "200.2", false));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-row]")));

        await cut.InvokeAsync(() => cut.FindComponent<AlertsPage>().Instance.CatchUpAsync());

        Assert.Equal(["100.0"], Api.ChangeCursors);
        cut.WaitForAssertion(() => Assert.Equal("Raised while offline", cut.FindAll("[data-testid=alert-title]")[0].TextContent));
        Assert.Equal("resolved", cut.FindAll("[data-testid=alert-status]")[1].TextContent);
    }

    [Fact]
    public async Task WhenTheLiveConnectionDropsAndComesBackThePageFetchesWhatItMissed()
    {
        // A draining node closes the hub connection; the browser reconnects to another node (issue 15, ADR 0044).
        Api.Alerts = _ => Task.FromResult(new AlertPage([Alert(1, "Before the node went")], null, "100.0"));
        Api.AlertChanges = _ => Task.FromResult(new AlertChanges([Alert(2, "Raised while reconnecting")], "200.2", false));
        var live = Services.GetRequiredService<LiveConnection>();
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=alert-row]")));

        await cut.InvokeAsync(() => live.SetState(LiveState.Reconnecting));
        Assert.Empty(Api.ChangeCursors);
        await cut.InvokeAsync(() => live.SetState(LiveState.Connected));

        cut.WaitForAssertion(() => Assert.Equal("Raised while reconnecting", cut.FindAll("[data-testid=alert-title]")[0].TextContent));
        Assert.Equal(["100.0"], Api.ChangeCursors);
        // Connected again without a drop in between: nothing more to fetch.
        await cut.InvokeAsync(() => live.SetState(LiveState.Connected));
        Assert.Single(Api.ChangeCursors);
    }

    [Fact]
    public async Task AcknowledgingInTheDetailCallsTheApiAndUpdatesTheList()
    {
        var alert = Alert(4, "Lock-out of ada");
        Api.Alerts = _ => Task.FromResult(new AlertPage([alert], null, "1.0"));
        Api.Alert = _ => Task.FromResult(new AlertDetail(alert, [], [], []));
        Api.AlertAction = (id, action, _) => Task.FromResult(alert with { Status = AlertStatuses.Acknowledged, Version = 2 });
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=alert-row]").Click());

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-acknowledge]").Click());

        cut.WaitForAssertion(() => Assert.Equal((4L, "acknowledge", (string?)null), Api.AlertActions.Single()));
        cut.WaitForAssertion(() => Assert.Equal("acknowledged", cut.Find("[data-testid=detail-status]").TextContent));
        Assert.Equal("acknowledged", cut.Find("[data-testid=alert-status]").TextContent);
        await Task.CompletedTask;
    }

    [Fact]
    public void AFalsePositiveNeedsAReasonBeforeTheApiIsCalled()
    {
        var alert = Alert(4);
        Api.Alerts = _ => Task.FromResult(new AlertPage([alert], null, "1.0"));
        Api.Alert = _ => Task.FromResult(new AlertDetail(alert, [], [], []));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=alert-row]").Click());

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-false-positive]").Click());

        cut.WaitForAssertion(() => Assert.Contains("Say why this is a false positive", cut.Markup));
        Assert.Empty(Api.AlertActions);
    }

    [Fact]
    public async Task AChangeByAnotherAnalystShowsInAnOpenDetail()
    {
        var alert = Alert(4);
        Api.Alerts = _ => Task.FromResult(new AlertPage([alert], null, "1.0"));
        Api.Alert = _ => Task.FromResult(new AlertDetail(alert, [], [], []));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=alert-row]").Click());
        cut.WaitForAssertion(() => Assert.Equal("open", cut.Find("[data-testid=detail-status]").TextContent));

        await LiveAsync(alert with { Status = AlertStatuses.Acknowledged, AssigneeEmail = "grace@example.com", AssigneeUserId = "u-grace", Version = 2 });

        cut.WaitForAssertion(() => Assert.Equal("acknowledged", cut.Find("[data-testid=detail-status]").TextContent));
        Assert.Equal("grace@example.com", cut.Find("[data-testid=detail-assignee]").TextContent);
    }

    [Fact]
    public void ReadersWithoutTriageSeeNoActions()
    {
        SignInWith(Permissions.AlertsRead);
        var alert = Alert(4);
        Api.Alerts = _ => Task.FromResult(new AlertPage([alert], null, "1.0"));
        Api.Alert = _ => Task.FromResult(new AlertDetail(alert, [], [], []));
        var cut = RenderPage<AlertsPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=alert-row]").Click());

        cut.WaitForAssertion(() => Assert.Contains("No notes yet", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=action-acknowledge]"));
    }
}
