using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using SecurityConsole.Client.Layout;
using SecurityConsole.Client.Shared;

namespace SecurityConsole.Client.Charts;

/// <summary>A typed Blazor component over apexcharts (npm, loaded as a static asset).</summary>
public partial class ApexChart : IAsyncDisposable
{
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ThemeState ThemeState { get; set; } = default!;

    private readonly string id = Guid.NewGuid().ToString("N");
    private ElementReference element;
    private IJSObjectReference? module;
    private bool rendered;

    /// <summary>The kind of chart.</summary>
    [Parameter] public ApexChartType Type { get; set; } = ApexChartType.Line;

    /// <summary>The data; one series for most charts, one row per series for a heat map.</summary>
    [Parameter, EditorRequired] public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    /// <summary>Accessible name of the chart.</summary>
    [Parameter] public string? Title { get; set; }

    /// <summary>Height in pixels.</summary>
    [Parameter] public int Height { get; set; } = 280;

    /// <summary>True when X values are timestamps (ms since epoch); enables zooming on the time axis.</summary>
    [Parameter] public bool TimeAxis { get; set; }

    /// <summary>Series colours, in order; defaults to the theme's.</summary>
    [Parameter] public IReadOnlyList<string>? Colors { get; set; }

    /// <summary>A fixed top of the y axis (100 for percentages), so that the scale does not exaggerate small changes.</summary>
    [Parameter] public double? YMax { get; set; }

    /// <summary>Shown instead of an empty chart.</summary>
    [Parameter] public string EmptyText { get; set; } = "No data for this period yet.";

    /// <summary>What the x axis holds, said on the axis ("Day (UTC)", "Hour of day (UTC)"); every chart labels both axes.</summary>
    [Parameter, EditorRequired] public string XTitle { get; set; } = "";

    /// <summary>What the y axis counts ("Events per hour").</summary>
    [Parameter, EditorRequired] public string YTitle { get; set; } = "";

    /// <summary>A reference line (a learned baseline) drawn across the chart with its label.</summary>
    [Parameter] public ChartReference? Reference { get; set; }

    internal bool HasData => Series.Any(s => s.Data.Count > 0);

    /// <summary>The options object handed to ApexCharts; internal so that tests can check it.</summary>
    internal object BuildOptions()
    {
        var type = Type.ToString().ToLowerInvariant();
        var dark = ThemeState.IsDark;
        var options = new Dictionary<string, object?>
        {
            ["chart"] = new
            {
                type,
                height = Height,
                background = "transparent",
                toolbar = new { show = TimeAxis },
                zoom = new { enabled = TimeAxis },
                animations = new { enabled = false },
            },
            ["series"] = Series.Select(s => new { name = s.Name, data = s.Data }).ToArray(),
            ["xaxis"] = XAxis(),
            ["yaxis"] = YAxis(),
            ["grid"] = new { borderColor = dark ? "#2c313c" : "#e0e3eb" },
            ["colors"] = Colors,
            ["dataLabels"] = new { enabled = false },
            // Straight between points: a smoothed curve makes today's jump appear to start yesterday.
            ["stroke"] = new { curve = "straight", width = Type is ApexChartType.Bar or ApexChartType.Heatmap ? 0 : 2 },
            ["theme"] = new { mode = dark ? "dark" : "light" },
            ["tooltip"] = new { x = new { format = When.ChartTooltip } },
            ["legend"] = new { show = Series.Count > 1 || Type == ApexChartType.Heatmap, position = "bottom" },
        };
        if (Type == ApexChartType.Heatmap)
        {
            options["plotOptions"] = new { heatmap = new { enableShades = false, colorScale = new { ranges = HeatmapScale() } } };
        }
        if (Reference is { } reference)
        {
            options["annotations"] = new
            {
                yaxis = new[]
                {
                    new
                    {
                        y = reference.Y,
                        borderColor = "#fb8c00",
                        strokeDashArray = 6,
                        label = new { text = reference.Label, borderColor = "#fb8c00", style = new { color = "#fff", background = "#fb8c00" } },
                    },
                },
            };
        }
        return options;
    }

    /// <summary>
    /// The heat map's scale, shown as its legend: "none" and four equal bands up to the largest count, each band named by
    /// the counts it holds, so that a colour reads as a number.
    /// </summary>
    internal IReadOnlyList<HeatmapRange> HeatmapScale()
    {
        var max = Math.Max(1, (int)Math.Ceiling(Series.SelectMany(s => s.Data).Max(p => p.Y) ?? 0));
        var colour = Colors?.FirstOrDefault() ?? "#3949ab";
        var ranges = new List<HeatmapRange> { new(0, 0, "0", ThemeState.IsDark ? "#2c313c" : "#eceff1") };
        var bands = Math.Min(4, max);
        var from = 1;
        string[] shades = ["#c5cae9", "#7986cb", "#3f51b5", "#1a237e"];
        for (var i = 1; i <= bands; i++)
        {
            var to = i == bands ? max : (int)Math.Round((double)max * i / bands);
            ranges.Add(new HeatmapRange(from, to, from == to ? $"{from}" : $"{from}–{to}", bands == 1 ? colour : shades[i - 1 + (4 - bands)]));
            from = to + 1;
        }
        return ranges;
    }

    /// <summary>One band of a heat map's scale, in ApexCharts' terms.</summary>
    internal sealed record HeatmapRange(
        [property: System.Text.Json.Serialization.JsonPropertyName("from")] double From,
        [property: System.Text.Json.Serialization.JsonPropertyName("to")] double To,
        [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
        [property: System.Text.Json.Serialization.JsonPropertyName("color")] string Color);

    private object XAxis()
    {
        var title = new { text = XTitle };
        if (TimeAxis)
        {
            // Labels in UTC, in the console's one format (When).
            return new { type = "datetime", title, labels = new { datetimeUTC = true, datetimeFormatter = When.ChartAxis } };
        }
        // Many categories (24 hours) on a phone: fewer labels, never on top of each other. Up to 16 (two weeks of days)
        // every category keeps its label, today's included, turned aslant where they would touch.
        var categories = Series.Select(s => s.Data.Count).DefaultIfEmpty(0).Max();
        return categories > 16
            ? new { type = "category", title, tickAmount = (object)Math.Min(12, categories / 2), labels = new { rotate = -45, hideOverlappingLabels = true } }
            : new { type = "category", title, tickAmount = (object)"dataPoints", labels = new { rotate = -45, hideOverlappingLabels = true } };
    }

    /// <summary>Only keys that are set: apexcharts reads a null as a value, not as "use the default".</summary>
    private Dictionary<string, object> YAxis()
    {
        var axis = new Dictionary<string, object> { ["min"] = 0, ["title"] = new { text = YTitle } };
        if (YMax is { } max)
        {
            axis["max"] = max;
            if (max >= 10 && max == Math.Floor(max))
            {
                // A fixed scale such as 0-100%: whole numbers in four steps, whatever the values (not "50.0").
                axis["decimalsInFloat"] = 0;
                axis["tickAmount"] = 4;
                return axis;
            }
        }
        if (WholeNumbers)
        {
            axis["decimalsInFloat"] = 0;
            if (TickAmount() is { } ticks)
            {
                axis["tickAmount"] = ticks;
            }
        }
        return axis;
    }

    private bool WholeNumbers => Series.SelectMany(s => s.Data).All(p => p.Y is null || p.Y == Math.Floor(p.Y.Value));

    /// <summary>Counts are whole numbers: with a small maximum, one tick per unit instead of 0.5 steps.</summary>
    private int? TickAmount()
    {
        var max = Series.SelectMany(s => s.Data).Max(p => p.Y) ?? 0;
        return max is > 0 and <= 5 ? (int)Math.Ceiling(max) : null;
    }

    protected override void OnInitialized() => ThemeState.Changed += OnThemeChanged;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!RendererInfo.IsInteractive || !HasData)
        {
            return;
        }
        module ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/apexInterop.js");
        if (!rendered)
        {
            rendered = true;
            await module.InvokeVoidAsync("render", element, id, BuildOptions());
        }
        else
        {
            await module.InvokeVoidAsync("update", id, BuildOptions());
        }
    }

    private void OnThemeChanged() => InvokeAsync(StateHasChanged);

    public async ValueTask DisposeAsync()
    {
        ThemeState.Changed -= OnThemeChanged;
        if (module is not null)
        {
            try
            {
                await module.InvokeVoidAsync("destroy", id);
                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
    }
}
