using System.Globalization;
using System.Net;
using System.Text;
using Fluid;
using Fluid.Values;
using SecurityConsole.Server.Reports.Templates;

namespace SecurityConsole.Server.Reports.Charts;

/// <summary>
/// Charts drawn on the server as SVG, so that the HTML, the PDF and a mail client show the same picture without a
/// script: bar (counts are bars, labelled), line (a trend with labelled axes), donut (shares) and heat map (a grid).
/// Exposed to templates as the filters bar_chart, line_chart, donut_chart and heatmap, which take the model's
/// CountItem lists (or HeatmapData) and an optional title; text is escaped, numbers are invariant.
/// </summary>
public static class SvgCharts
{
    private static readonly string[] Palette = ["#594ae2", "#2e7d32", "#ed6c02", "#d32f2f", "#0288d1", "#7b1fa2", "#5d4037", "#455a64"];
    private const string Font = "font-family=\"Roboto, Helvetica, Arial, sans-serif\" font-size=\"12\" fill=\"#424242\"";

    public static void Register(FilterCollection filters)
    {
        filters.AddFilter("bar_chart", (input, args, ctx) => Svg(Bar(Items(input, ctx), Title(args))));
        filters.AddFilter("line_chart", (input, args, ctx) => Svg(Line(Items(input, ctx), Title(args))));
        filters.AddFilter("donut_chart", (input, args, ctx) => Svg(Donut(Items(input, ctx), Title(args))));
        filters.AddFilter("heatmap", (input, args, _) => Svg(input.ToObjectValue() is HeatmapData h ? Heatmap(h, Title(args)) : Empty(Title(args))));
    }

    public static string Bar(IReadOnlyList<CountItem> items, string title)
    {
        if (items.Count == 0)
        {
            return Empty(title);
        }
        const int width = 640, labelWidth = 200, row = 24, top = 30;
        var max = Math.Max(1, items.Max(i => i.Count));
        var height = top + (items.Count * row) + 30;
        var svg = Start(width, height, title);
        var plot = width - labelWidth - 60;
        for (var i = 0; i < items.Count; i++)
        {
            var y = top + (i * row);
            var w = items[i].Count * plot / (double)max;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 16}\" text-anchor=\"end\" {Font}>{Text(Clip(items[i].Label, 30))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{w:F1}\" height=\"{row - 8}\" fill=\"{Palette[0]}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + w + 4:F1}\" y=\"{y + 16}\" {Font}>{items[i].Count}</text>");
        }
        var axisY = top + (items.Count * row);
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{labelWidth}\" y1=\"{top}\" x2=\"{labelWidth}\" y2=\"{axisY}\" stroke=\"#9e9e9e\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{labelWidth}\" y1=\"{axisY}\" x2=\"{labelWidth + plot}\" y2=\"{axisY}\" stroke=\"#9e9e9e\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + (plot / 2)}\" y=\"{axisY + 20}\" text-anchor=\"middle\" {Font}>count</text>");
        return End(svg);
    }

    public static string Line(IReadOnlyList<CountItem> items, string title)
    {
        if (items.Count == 0)
        {
            return Empty(title);
        }
        const int width = 640, height = 260, left = 50, right = 20, top = 30, bottom = 50;
        var max = Math.Max(1, items.Max(i => i.Count));
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var svg = Start(width, height, title);
        double X(int i) => left + (items.Count == 1 ? plotW / 2.0 : i * plotW / (double)(items.Count - 1));
        double Y(long v) => top + plotH - (v * plotH / (double)max);
        foreach (var tick in new[] { 0, max / 2, max }.Distinct())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{Y(tick):F1}\" x2=\"{width - right}\" y2=\"{Y(tick):F1}\" stroke=\"#e0e0e0\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(tick) + 4:F1}\" text-anchor=\"end\" {Font}>{tick}</text>");
        }
        var points = string.Join(' ', items.Select((it, i) => string.Create(CultureInfo.InvariantCulture, $"{X(i):F1},{Y(it.Count):F1}")));
        svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{Palette[0]}\" stroke-width=\"2\"/>");
        var every = Math.Max(1, items.Count / 8);
        for (var i = 0; i < items.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(i):F1}\" cy=\"{Y(items[i].Count):F1}\" r=\"3\" fill=\"{Palette[0]}\"/>");
            if (i % every == 0 || i == items.Count - 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i):F1}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\" {Font}>{Text(Clip(items[i].Label, 12))}</text>");
            }
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + plotH}\" x2=\"{width - right}\" y2=\"{top + plotH}\" stroke=\"#9e9e9e\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (plotW / 2)}\" y=\"{height - 8}\" text-anchor=\"middle\" {Font}>day</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"12\" y=\"{top + (plotH / 2)}\" transform=\"rotate(-90 12 {top + (plotH / 2)})\" text-anchor=\"middle\" {Font}>count</text>");
        return End(svg);
    }

    public static string Donut(IReadOnlyList<CountItem> items, string title)
    {
        var total = items.Sum(i => i.Count);
        if (total == 0)
        {
            return Empty(title);
        }
        const int width = 640, cx = 120, cy = 130, r = 80, stroke = 36;
        var height = Math.Max(260, 50 + (items.Count * 22));
        var svg = Start(width, height, title);
        var circumference = 2 * Math.PI * r;
        double offset = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var share = items[i].Count / (double)total;
            var color = Palette[i % Palette.Length];
            svg.Append(CultureInfo.InvariantCulture,
                $"<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{stroke}\" stroke-dasharray=\"{share * circumference:F2} {circumference:F2}\" stroke-dashoffset=\"{-offset:F2}\" transform=\"rotate(-90 {cx} {cy})\"/>");
            offset += share * circumference;
            var y = 40 + (i * 22);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"260\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"280\" y=\"{y + 11}\" {Font}>{Text(Clip(items[i].Label, 40))}: {items[i].Count} ({share * 100:F0}%)</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{cx}\" y=\"{cy + 5}\" text-anchor=\"middle\" {Font} font-size=\"16\">{total}</text>");
        return End(svg);
    }

    public static string Heatmap(HeatmapData data, string title)
    {
        if (data.Rows.Count == 0 || data.Columns.Count == 0)
        {
            return Empty(title);
        }
        const int left = 50, top = 30, cell = 22;
        var width = left + (data.Columns.Count * cell) + 20;
        var height = top + (data.Rows.Count * cell) + 40;
        var max = Math.Max(1, data.Cells.SelectMany(c => c).DefaultIfEmpty(0).Max());
        var svg = Start(width, height, title);
        for (var r = 0; r < data.Rows.Count; r++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{top + (r * cell) + 15}\" text-anchor=\"end\" {Font}>{Text(data.Rows[r])}</text>");
            for (var c = 0; c < data.Columns.Count; c++)
            {
                var v = r < data.Cells.Count && c < data.Cells[r].Count ? data.Cells[r][c] : 0;
                var opacity = v == 0 ? 0.05 : 0.15 + (0.85 * v / max);
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{left + (c * cell)}\" y=\"{top + (r * cell)}\" width=\"{cell - 2}\" height=\"{cell - 2}\" fill=\"{Palette[0]}\" fill-opacity=\"{opacity:F2}\"><title>{Text(data.Rows[r])} {Text(data.Columns[c])}: {v}</title></rect>");
            }
        }
        for (var c = 0; c < data.Columns.Count; c += Math.Max(1, data.Columns.Count / 12))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (c * cell) + 10}\" y=\"{top + (data.Rows.Count * cell) + 14}\" text-anchor=\"middle\" {Font}>{Text(data.Columns[c])}</text>");
        }
        return End(svg);
    }

    private static ValueTask<FluidValue> Svg(string svg) => new(new StringValue(svg, encode: false));

    private static string Title(FilterArguments args) => args.Count > 0 ? args.At(0).ToStringValue() : "";

    private static List<CountItem> Items(FluidValue input, TemplateContext context) =>
        input is ArrayValue array ? [.. array.Values.Select(v => v.ToObjectValue()).OfType<CountItem>()] : [];

    private static StringBuilder Start(int width, int height, string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{Text(title)}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">");
        if (title.Length > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"16\" {Font} font-size=\"14\" font-weight=\"500\">{Text(title)}</text>");
        }
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string Empty(string title) =>
        End(Start(640, 60, title).Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"44\" {Font}>No data in this period.</text>"));

    private static string Text(string s) => WebUtility.HtmlEncode(s);

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
