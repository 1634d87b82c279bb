using System.Globalization;
using System.Net;
using System.Text;
using SecurityConsole.Server.Reports.Output;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// The report inside an evidence pack: a framework's compliance posture, as HTML and printed to PDF by the Reports
/// feature's printer (headless Chromium, page numbers and an outline from the headings). It says the scope first; the
/// requirements as they stand at export, failing first; and how each control fared over the pack's period, from the
/// results history. Both files are listed, hashed and signed in the manifest with the rest. Where Chromium is not
/// installed, or printing fails, the pack holds the HTML and a note saying why there is no PDF, instead of failing.
/// </summary>
public sealed class PostureReport(ComplianceViews views, ComplianceCatalogue catalogue, PdfPrinter printer, ILogger<PostureReport> logger)
{
    public const string HtmlPath = "report/compliance-posture.html";
    public const string PdfPath = "report/compliance-posture.pdf";
    public const string NoPdfPath = "report/no-pdf.txt";

    public async Task<IReadOnlyList<(string Path, byte[] Bytes)>> FilesAsync(
        Framework framework, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, int evidenceItems, CancellationToken ct)
    {
        var html = await HtmlAsync(framework, from, to, now, evidenceItems, ct);
        var files = new List<(string, byte[])> { (HtmlPath, Encoding.UTF8.GetBytes(html)) };
        if (printer.Unavailable is { } why)
        {
            files.Add((NoPdfPath, Encoding.UTF8.GetBytes($"No PDF in this pack: {why}\nThe same report is in {HtmlPath}.\n")));
            return files;
        }
        try
        {
            files.Add((PdfPath, await printer.PrintAsync(html, ct)));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "The posture report of the {Framework} evidence pack could not be printed to PDF; the pack holds the HTML", framework.Id);
            files.Add((NoPdfPath, Encoding.UTF8.GetBytes($"No PDF in this pack: printing failed ({ex.GetType().Name}).\nThe same report is in {HtmlPath}.\n")));
        }
        return files;
    }

    private async Task<string> HtmlAsync(Framework framework, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, int evidenceItems, CancellationToken ct)
    {
        var detail = (await views.FrameworkAsync(framework.Id, 1, ct))!;
        var s = detail.Summary;
        var controls = catalogue.Controls.Where(c => c.Mappings.Any(m => m.Framework == framework.Id)).OrderBy(c => c.Title, StringComparer.Ordinal).ToList();
        var effectiveness = await views.EffectivenessAsync(controls, from, to, ct);

        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
            .Append("<title>").Append(E($"{framework.Name} — compliance posture")).Append("</title><style>")
            .Append("body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;color:#212121;margin:0}")
            .Append("h1{font-size:17pt;margin:0 0 4pt}h2{font-size:13pt;margin:16pt 0 6pt;border-bottom:1px solid #bdbdbd}")
            .Append("table{border-collapse:collapse;width:100%;margin:4pt 0}th,td{border:1px solid #e0e0e0;padding:3pt 5pt;text-align:left;vertical-align:top}")
            .Append("th{background:#f5f5f5}td.n{text-align:right;white-space:nowrap}.scope{background:#fff8e1;border-left:3pt solid #ffa000;padding:6pt}")
            .Append(".fail,.error{color:#c62828;font-weight:bold}.pass{color:#2e7d32}.muted{color:#757575}.big{font-size:15pt;font-weight:bold}")
            .Append("tr{page-break-inside:avoid}</style></head><body>");
        h.Append("<h1>").Append(E(framework.Name)).Append(" — compliance posture</h1>")
            .Append("<p class=\"muted\">Framework file version ").Append(E(framework.Version)).Append(". Period ").Append(Day(from)).Append(" to ").Append(Day(to))
            .Append(" (UTC). Status as at ").Append(Time(now)).Append(".</p>")
            .Append("<p class=\"scope\">").Append(E(ComplianceScope.Statement)).Append("</p>");

        h.Append("<h2>Summary</h2><table><tr><th>Pass rate of evaluated requirements</th><th>Automated coverage</th><th>Evidence items in this pack</th></tr><tr>")
            .Append("<td class=\"big\">").Append(s.PassRate is { } rate ? Percent(rate) : "—").Append("<br><span class=\"muted\">")
            .Append(s.Passing).Append(" of ").Append(s.Evaluated).Append(" evaluated</span></td>")
            .Append("<td class=\"big\">").Append(Percent(s.AutomatedCoverage)).Append("<br><span class=\"muted\">")
            .Append(s.Automated).Append(" of ").Append(s.Assessable).Append(" requirements have an automated check</span></td>")
            .Append("<td class=\"big\">").Append(evidenceItems).Append("</td></tr></table>");
        h.Append("<table><tr>");
        foreach (var status in ComplianceStatuses.All)
        {
            h.Append("<th>").Append(E(Label(status))).Append("</th>");
        }
        h.Append("</tr><tr>");
        foreach (var status in ComplianceStatuses.All)
        {
            h.Append("<td class=\"n\">").Append(s.Counts.GetValueOrDefault(status)).Append("</td>");
        }
        h.Append("</tr></table><p class=\"muted\">Error (could not evaluate) is counted neither as pass nor as fail; excepted is never pass.</p>");

        h.Append("<h2>Requirements, failing first</h2><table><tr><th>Requirement</th><th>Title</th><th>Status</th><th>Controls</th></tr>");
        foreach (var r in detail.Requirements.Where(r => r.Assessable && r.Status != ComplianceStatuses.NotApplicable)
            .OrderByDescending(r => ComplianceStatuses.Rank(r.Status)).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            h.Append("<tr><td>").Append(E(r.Id)).Append("</td><td>").Append(E(r.Title)).Append("</td><td class=\"").Append(E(r.Status)).Append("\">")
                .Append(E(Label(r.Status))).Append("</td><td>").Append(E(string.Join(", ", r.Controls))).Append("</td></tr>");
        }
        h.Append("</table>");

        h.Append("<h2>Controls over the period</h2><p class=\"muted\">From the recorded status changes: the share of days that ended passing, ")
            .Append("and every stretch not passing (the first ").Append(Effectiveness.MaxSpans).Append(" per control).</p>")
            .Append("<table><tr><th>Control</th><th>Status now</th><th>Days passing</th><th>Over the period</th></tr>");
        var statusNow = await views.ControlStatusesAsync(ct);
        foreach (var c in controls)
        {
            var e = effectiveness[c.Id];
            var status = statusNow.GetValueOrDefault(c.Id, ComplianceStatuses.Error);
            h.Append("<tr><td>").Append(E(c.Title)).Append("<br><span class=\"muted\">").Append(E(c.Id)).Append(c.Automated ? "" : " (manual)").Append("</span></td>")
                .Append("<td class=\"").Append(E(status)).Append("\">").Append(E(Label(status))).Append("</td>")
                .Append("<td class=\"n\">").Append(e.ShareOfDays is { } days ? $"{Percent(days)} ({e.DaysPassing} of {e.DaysKnown})" : "—").Append("</td>")
                .Append("<td>").Append(E(e.Summary)).Append("</td></tr>");
        }
        h.Append("</table>");
        h.Append("<h2>How to check this pack</h2><p>Every file of the pack, this report included, is listed in <code>manifest.json</code> with its SHA-256 and ")
            .Append("the audit sequence that holds it; the manifest and the whole archive are signed with the audit checkpoint key, whose public half is ")
            .Append("<code>public-key.pem</code>. <code>admin verify-pack FILE</code> or <code>POST /api/v1/compliance/packs/verify</code> rejects a pack ")
            .Append("in which any byte changed.</p></body></html>");
        return h.ToString();
    }

    private static string Label(string status) => status switch
    {
        ComplianceStatuses.Pass => "Pass",
        ComplianceStatuses.Fail => "Fail",
        ComplianceStatuses.Error => "Error",
        ComplianceStatuses.NotApplicable => "Not applicable",
        ComplianceStatuses.ManualDue => "Manual due",
        ComplianceStatuses.ManualValid => "Manual valid",
        ComplianceStatuses.Excepted => "Excepted",
        _ => status,
    };

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Percent(double share) => share.ToString("P0", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
