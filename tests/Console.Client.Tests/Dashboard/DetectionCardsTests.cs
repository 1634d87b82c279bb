using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Alerts.AlertTestData;

namespace SecurityConsole.Client.Tests.Dashboard;

public sealed class DetectionCardsTests : ConsoleTestContext
{
    public DetectionCardsTests() => SignInWith(Permissions.AlertsRead);

    private int summaryCalls;

    private void Summary(int open, params AlertView[] newest) => Api.DetectionSummary = () =>
    {
        summaryCalls++;
        return Task.FromResult(new DetectionSummary([new(AlertSeverities.Critical, 1), new(AlertSeverities.High, open - 1)], open, 12,
            [new(DateTimeOffset.UtcNow.AddMinutes(-1), 12)], newest));
    };

    [Fact]
    public void OpenAlertsBySeverityEventsAndTheNewestAlertsShow()
    {
        Summary(3, Alert(2, "Revoked key tried", count: 6), Alert(1, "Brute force"));
        var cut = RenderPage<DetectionCards>();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=open-total]").TextContent));
        Assert.Equal("critical 1", cut.Find("[data-testid=open-critical]").TextContent.Trim());
        Assert.Equal("12", cut.Find("[data-testid=events-last-minute]").TextContent);
        Assert.Contains("Revoked key tried", cut.FindAll("[data-testid=newest-alert]")[0].TextContent);
        Assert.Contains("6×, last just now", cut.FindAll("[data-testid=newest-alert]")[0].TextContent);
        Assert.Equal(["alerts/2", "alerts/1"], cut.FindAll("[data-testid=newest-alert-link]").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task StatsFromTheHubUpdateTheCountersAndANewAlertReloadsTheList()
    {
        Summary(3);
        var cut = RenderPage<DetectionCards>();
        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-testid=open-total]").TextContent));
        var live = Services.GetRequiredService<LiveConnection>();

        await live.DispatchAsync(HubMethods.StatsChanged, new DetectionStats([new(AlertSeverities.Critical, 4)], 9, 40, DateTimeOffset.UtcNow));
        cut.WaitForAssertion(() => Assert.Equal("9", cut.Find("[data-testid=open-total]").TextContent));
        Assert.Equal("40", cut.Find("[data-testid=events-last-minute]").TextContent);

        await Task.Delay(1100, Xunit.TestContext.Current.CancellationToken);
        Summary(4, Alert(7, "Lock-out of ada"));
        await live.DispatchAsync(HubMethods.AlertChanged, Alert(7, "Lock-out of ada"));
        cut.WaitForAssertion(() => Assert.Contains("Lock-out of ada", cut.Find("[data-testid=newest-alerts]").TextContent));
    }

    [Fact]
    public void WithoutAlertsTheListSaysWhenTheyAppear()
    {
        Summary(1);
        var cut = RenderPage<DetectionCards>();

        cut.WaitForAssertion(() => Assert.Contains("No alert has been raised", cut.Find("[data-testid=newest-alerts]").TextContent));
    }
}
