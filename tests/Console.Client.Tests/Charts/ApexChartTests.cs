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
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Bar).Add(c => c.Series, [Logins]).Add(c => c.TimeAxis, true).Add(c => c.Height, 300));

        var options = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions());

        var chart = options.GetProperty("chart");
        Assert.Equal("bar", chart.GetProperty("type").GetString());
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
    public void ALineIsStraightBetweenItsPointsNeverSmoothed()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Line).Add(c => c.Series, [Logins]).Add(c => c.TimeAxis, true));

        var stroke = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("stroke");

        Assert.Equal("straight", stroke.GetProperty("curve").GetString());
    }

    [Fact]
    public void EveryChartNamesBothAxes()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Bar).Add(c => c.Series, [Logins]).Add(c => c.TimeAxis, true)
            .Add(c => c.XTitle, "Day (UTC)").Add(c => c.YTitle, "Sign-ins"));

        var options = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions());

        Assert.Equal("Day (UTC)", options.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("Sign-ins", options.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void ATimeAxisIsLabelledInUtcInTheConsolesOneFormat()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, [Logins]).Add(c => c.TimeAxis, true));

        var options = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions());

        var labels = options.GetProperty("xaxis").GetProperty("labels");
        Assert.True(labels.GetProperty("datetimeUTC").GetBoolean());
        Assert.Equal("MM-dd", labels.GetProperty("datetimeFormatter").GetProperty("day").GetString());
        Assert.Equal("HH:mm", labels.GetProperty("datetimeFormatter").GetProperty("hour").GetString());
        Assert.Equal("yyyy-MM-dd HH:mm", options.GetProperty("tooltip").GetProperty("x").GetProperty("format").GetString());
    }

    [Fact]
    public void TwentyFourHoursOfTheDayAreLabelledSparselyAndNeverOnTopOfEachOther()
    {
        var hours = new ChartSeries("Events", [.. Enumerable.Range(0, 24).Select(h => new ChartPoint(h.ToString("00"), h))]);
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Bar).Add(c => c.Series, [hours]));

        var xaxis = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("xaxis");

        Assert.Equal("category", xaxis.GetProperty("type").GetString());
        Assert.Equal(12, xaxis.GetProperty("tickAmount").GetInt32());
        Assert.True(xaxis.GetProperty("labels").GetProperty("hideOverlappingLabels").GetBoolean());
    }

    [Fact]
    public void AHeatMapShowsItsScaleFromNoneToTheLargestCount()
    {
        var rows = new ChartSeries("Mon", [new ChartPoint("00", 0), new ChartPoint("01", 3), new ChartPoint("02", 40)]);
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Heatmap).Add(c => c.Series, [rows]));

        var options = JsonSerializer.SerializeToElement(cut.Instance.BuildOptions());

        Assert.True(options.GetProperty("legend").GetProperty("show").GetBoolean());
        var ranges = options.GetProperty("plotOptions").GetProperty("heatmap").GetProperty("colorScale").GetProperty("ranges").EnumerateArray()
            .Select(r => (From: r.GetProperty("from").GetDouble(), To: r.GetProperty("to").GetDouble(), Name: r.GetProperty("name").GetString())).ToList();
        Assert.Equal((0.0, 0.0, "0"), ranges[0]);
        Assert.Equal(["0", "1–10", "11–20", "21–30", "31–40"], ranges.Select(r => r.Name));
        // Every count from 0 to the largest falls in exactly one band.
        Assert.All(Enumerable.Range(0, 41), n => Assert.Single(ranges, r => r.From <= n && n <= r.To));
    }

    [Fact]
    public void AReferenceLineIsDrawnWithItsLabel()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Type, ApexChartType.Bar).Add(c => c.Series, [Logins]).Add(c => c.TimeAxis, true)
            .Add(c => c.Reference, new ChartReference(3.5, "Expected 3.5/h")));

        var line = Assert.Single(JsonSerializer.SerializeToElement(cut.Instance.BuildOptions()).GetProperty("annotations").GetProperty("yaxis").EnumerateArray());

        Assert.Equal(3.5, line.GetProperty("y").GetDouble());
        Assert.Equal("Expected 3.5/h", line.GetProperty("label").GetProperty("text").GetString());
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
