using System.Text.Json.Serialization;

namespace SecurityConsole.Client.Charts;

public enum ApexChartType
{
    Line,
    Area,
    Bar,
    Donut,
    Heatmap,
}

/// <summary>One named series of points; X is a category label or a timestamp (ms since epoch).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Data);

public sealed record ChartPoint([property: JsonPropertyName("x")] object X, [property: JsonPropertyName("y")] double? Y);
