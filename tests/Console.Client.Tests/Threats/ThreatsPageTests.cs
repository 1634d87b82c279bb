using SecurityConsole.Client.Threats;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Alerts.AlertTestData;

namespace SecurityConsole.Client.Tests.Threats;

public sealed class ThreatsPageTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public ThreatsPageTests()
    {
        SignInWith(Permissions.AlertsRead);
        Api.Timeline = () => Task.FromResult(new Timeline(Now.AddDays(-7), Now, 180, [new(Now.AddHours(-6), 40, 1), new(Now.AddHours(-3), 55, 0)]));
        Api.Heatmap = () => Task.FromResult(new Heatmap(Now.AddDays(-7), Now, 0, [new(0, 9, 12), new(6, 3, 2)]));
        Api.TopEntities = _ => Task.FromResult(new List<TopEntity>
        {
            new(EntityKinds.Ip, "203.0.113.7", 4, 31, AlertSeverities.Critical, Now.AddMinutes(-5)),
            new(EntityKinds.Key, "sc_live_ab12", 2, 2, AlertSeverities.High, Now.AddHours(-2)),
        });
        Api.EntityProfile = (kind, id, hours) => Task.FromResult(new EntityProfile(kind, id, hours,
            [new(Now.AddHours(-2), 3, 0), new(Now.AddHours(-1), 40, 1)], [.. Enumerable.Range(0, 24).Select(h => h == 3 ? 40 : 1)],
            [new EntityBaselineView("service-rate-anomaly", RuleTypes.RateAnomaly, Now, 5, 2, 5, 800, null, null)], [Alert(1)]));
    }

    [Fact]
    public void TheTopEntitiesAreRankedAndTheFirstIsProfiledAgainstItsBaseline()
    {
        var cut = RenderPage<ThreatsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=top-entity]").Count));
        Assert.Contains("203.0.113.7", cut.FindAll("[data-testid=top-entity]")[0].TextContent);
        Assert.Contains("Source IP", cut.FindAll("[data-testid=top-entity]")[0].TextContent);
        cut.WaitForAssertion(() => Assert.Contains("about 60.0 events an hour expected", cut.Find("[data-testid=baseline-text]").TextContent));
        Assert.Equal(("ip", "203.0.113.7"), (Api.ProfileRequests[0].Kind, Api.ProfileRequests[0].Id));
    }

    [Fact]
    public void ChoosingAnEntityShowsItsProfile()
    {
        var cut = RenderPage<ThreatsPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=top-entity]").Count));

        cut.FindAll("[data-testid=top-entity]")[1].Click();

        cut.WaitForAssertion(() => Assert.Contains("key sc_live_ab12", cut.Find("[data-testid=entity-profile]").TextContent));
        Assert.Equal("sc_live_ab12", Api.ProfileRequests[^1].Id);
    }

    [Fact]
    public void AMaskedEntityIsProfiledByItsOpaqueReference()
    {
        Api.TopEntities = _ => Task.FromResult(new List<TopEntity>
        {
            new(EntityKinds.User, "m***@example.com #1a2b3c4d", 3, 12, AlertSeverities.High, Now.AddMinutes(-5), Ref: "CfDJ8-opaque"),
        });

        var cut = RenderPage<ThreatsPage>();

        cut.WaitForAssertion(() => Assert.Single(Api.ProfileReferences));
        Assert.Equal("CfDJ8-opaque", Api.ProfileReferences[0]);
        Assert.Equal(("user", "m***@example.com #1a2b3c4d"), (Api.ProfileRequests[0].Kind, Api.ProfileRequests[0].Id));
        Assert.DoesNotContain("CfDJ8-opaque", cut.Markup);
    }

    [Fact]
    public void TheProfileDrawsCountsAsBarsWithTheLearnedRateAsALabelledLine()
    {
        var cut = RenderPage<ThreatsPage>();

        cut.WaitForAssertion(() => Assert.Contains("about 60.0 events an hour expected", cut.Find("[data-testid=baseline-text]").TextContent));
        var chart = cut.FindComponents<SecurityConsole.Client.Charts.ApexChart>().Single(c => c.Instance.Title == "Events per hour against the expected rate");
        Assert.Equal(SecurityConsole.Client.Charts.ApexChartType.Bar, chart.Instance.Type);
        Assert.Equal(60.0, chart.Instance.Reference!.Y);
        Assert.Equal("Expected 60.0/h", chart.Instance.Reference.Label);
        var hours = cut.FindComponents<SecurityConsole.Client.Charts.ApexChart>().Single(c => c.Instance.Title == "Share of activity by hour of day");
        Assert.Equal("Hour of day (UTC)", hours.Instance.XTitle);
        Assert.Equal("03", hours.Instance.Series[0].Data[3].X);
    }

    [Fact]
    public void TheEntitysAlertsLinkToEachAlertsPage()
    {
        var cut = RenderPage<ThreatsPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=entity-alert-link]")));
        var link = cut.Find("[data-testid=entity-alert-link]");
        Assert.Equal("alerts/1", link.GetAttribute("href"));
        Assert.Equal("Brute force on key sc_live_ab12", link.TextContent);
        Assert.Contains("1 alert on this entity", cut.Find("[data-testid=entity-profile]").TextContent);
    }

    [Fact]
    public void TheTimelineZoomsOnTimeAndTheHeatmapHasARowPerWeekday()
    {
        var cut = RenderPage<ThreatsPage>();

        // Events and alerts are counts: both bars, never an area.
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=threat-timeline] [data-chart-type=bar]").Count));
        Assert.Empty(cut.FindAll("[data-chart-type=area]"));
        Assert.NotNull(cut.Find("[data-testid=threat-heatmap] [data-chart-type=heatmap]"));
        var series = ThreatsPage.HeatmapSeries(new Heatmap(Now, Now, 0, [new(0, 9, 12)]));
        Assert.Equal(["Sun", "Sat", "Fri", "Thu", "Wed", "Tue", "Mon"], series.Select(s => s.Name));
        Assert.Equal(12, series[^1].Data[9].Y);
        Assert.Equal(24, series[0].Data.Count);
    }

    [Fact]
    public void WithoutAlertsTheTopListSaysSo()
    {
        Api.TopEntities = _ => Task.FromResult(new List<TopEntity>());
        var cut = RenderPage<ThreatsPage>();

        cut.WaitForAssertion(() => Assert.Contains("No alerts in this period", cut.Find("[data-testid=top-entities]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=entity-profile]"));
    }
}
