using System.Text.Json.Serialization;

namespace SecurityConsole.Client.Charts;

/// <summary>
/// The kinds of chart the console draws (issue 14, "charts that tell the truth"): counts are bars; a line (straight, never
/// smoothed) is for a rate or a share that exists between its points; a heat map has its scale beside it. There is no area
/// chart, which suggests a continuous quantity, and no pie or donut, which hides the counts behind angles.
/// </summary>
public enum ApexChartType
{
    Line,
    Bar,
    Heatmap,
}

/// <summary>One named series of points; X is a category label or a timestamp (ms since epoch).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Data);

public sealed record ChartPoint([property: JsonPropertyName("x")] object X, [property: JsonPropertyName("y")] double? Y);

/// <summary>A horizontal reference line across a chart, drawn with its label: an expected rate, a limit.</summary>
public sealed record ChartReference(double Y, string Label);
