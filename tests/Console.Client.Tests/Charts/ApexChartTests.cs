using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Charts;
using SecurityConsole.Client.Layout;

namespace SecurityConsole.Client.Tests.Charts;

public sealed class ApexChartTests : ConsoleTestContext
{
    private static readonly ChartSeries Logins = new("Sign-ins", [new ChartPoint(1_700_000_000_000L, 4), new ChartPoint(1_700_086_400_000L, 9)]);

    [Fact]
    public void ApexChartWithoutDataShowsItsEmptyTextAndDrawsNothing()
    {
        var module = JSInterop.SetupModule("./js/apexInterop.js");

        var cut = Render<ApexChart>(p => p
            .Add(c => c.Series, [new ChartSeries("Sign-ins", [])])
            .Add(c => c.EmptyText, "No sign-ins in this period."));

        Assert.Contains("No sign-ins in this period.", cut.Find("[data-testid=chart]").TextContent);
        Assert.Empty(module.Invocations);
    }

    [Fact]
    public void ApexChartWithDataHandsItsOptionsToApexCharts()
    {
        var module = JSInterop.SetupModule("./js/apexInterop.js");
        module.SetupVoid("render", _ => true).SetVoidResult();

        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Bar).Add(c => c.Series, [Logins]));

        Assert.DoesNotContain("No data for this period yet.", cut.Markup);
        var render = Assert.Single(module.Invocations, i => i.Identifier == "render");
        var options = JsonSerializer.SerializeToElement(render.Arguments[2]);
        Assert.Equal("bar", options.GetProperty("chart").GetProperty("type").GetString());
    }

    [Fact]
    public void ApexChartBuildsOptionsWithItsTypeAndSeries()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Area).Add(c => c.Series, [Logins]).Add(c => c.TimeAxis, true).Add(c => c.Height, 300));

        var options = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions());

        var chart = options.GetProperty("chart");
        Assert.Equal("area", chart.GetProperty("type").GetString());
        Assert.Equal(300, chart.GetProperty("height").GetInt32());
        Assert.Equal("datetime", options.GetProperty("xaxis").GetProperty("type").GetString());
        var series = Assert.Single(options.GetProperty("series").EnumerateArray());
        Assert.Equal("Sign-ins", series.GetProperty("name").GetString());
        Assert.Equal([4.0, 9.0], series.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("y").GetDouble()));
        Assert.Equal(1_700_000_000_000L, series.GetProperty("data")[0].GetProperty("x").GetInt64());
    }

    [Fact]
    public void ApexChartOfSmallCountsTicksInWholeNumbers()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, [new ChartSeries("Sign-ins", [new ChartPoint("Mon", 1), new ChartPoint("Tue", 2)])]));

        var yaxis = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("yaxis");

        Assert.Equal(2, yaxis.GetProperty("tickAmount").GetInt32());
        Assert.Equal(0, yaxis.GetProperty("decimalsInFloat").GetInt32());
    }

    [Fact]
    public void ApexChartOfFractionsKeepsItsDecimals()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, [new ChartSeries("Score", [new ChartPoint("Mon", 0.25), new ChartPoint("Tue", 0.75)])]));

        var yaxis = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("yaxis");

        Assert.False(yaxis.TryGetProperty("decimalsInFloat", out _));
        Assert.False(yaxis.TryGetProperty("tickAmount", out _));
    }

    [Fact]
    public void ApexDonutTakesItsSlicesFromTheFirstSeries()
    {
        var slices = new ChartSeries("Severity", [new ChartPoint("High", 2), new ChartPoint("Low", 5)]);

        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Donut).Add(c => c.Series, [slices]));
        var options = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions());

        Assert.Equal("donut", options.GetProperty("chart").GetProperty("type").GetString());
        Assert.Equal([2.0, 5.0], options.GetProperty("series").EnumerateArray().Select(s => s.GetDouble()));
        Assert.Equal(["High", "Low"], options.GetProperty("labels").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public void ApexChartFollowsTheDarkTheme()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, [Logins]));
        Assert.Equal("light", JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("theme").GetProperty("mode").GetString());

        Services.GetRequiredService<ThemeState>().Set(dark: true);

        Assert.Equal("dark", JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("theme").GetProperty("mode").GetString());
    }
}
