using System.Text;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// The compliance posture report of one framework over a period, rendered by the feature that renders reports. The
/// Reports feature implements it with its built-in <c>compliance-posture</c> template (the same report a person runs on
/// the Reports page, read through <see cref="ComplianceReportQueries"/>) and its PDF printer, and registers it.
/// Compliance names only this interface: Reports reads Compliance, Compliance imports nothing of Reports (ADR 0075).
/// </summary>
public interface IPostureReportRenderer
{
    /// <summary>The report of <paramref name="framework"/> from <paramref name="from"/> to <paramref name="to"/> (or now, if sooner), as a whole HTML document.</summary>
    Task<string> HtmlAsync(string framework, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    /// <summary>Null when HTML can be printed to PDF here; otherwise the sentence saying why not (Chromium is not installed).</summary>
    string? PdfUnavailable { get; }

    /// <summary>The HTML printed to PDF (page numbers, an outline from the headings).</summary>
    Task<byte[]> PdfAsync(string html, CancellationToken ct);
}

/// <summary>
/// The report inside an evidence pack: the framework's compliance posture over the pack's period, as HTML and PDF, from
/// <see cref="IPostureReportRenderer"/>. Both files are listed, hashed and signed in the manifest with the rest. Where
/// Chromium is not installed, or printing fails, the pack holds the HTML and a note saying why there is no PDF, instead
/// of failing.
/// </summary>
public sealed class PostureReport(IPostureReportRenderer renderer, ILogger<PostureReport> logger)
{
    public const string HtmlPath = "report/compliance-posture.html";
    public const string PdfPath = "report/compliance-posture.pdf";
    public const string NoPdfPath = "report/no-pdf.txt";

    public async Task<IReadOnlyList<(string Path, byte[] Bytes)>> FilesAsync(Framework framework, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var html = await renderer.HtmlAsync(framework.Id, from, to, ct);
        var files = new List<(string, byte[])> { (HtmlPath, Encoding.UTF8.GetBytes(html)) };
        if (renderer.PdfUnavailable is { } why)
        {
            files.Add((NoPdfPath, Encoding.UTF8.GetBytes($"No PDF in this pack: {why}\nThe same report is in {HtmlPath}.\n")));
            return files;
        }
        try
        {
            files.Add((PdfPath, await renderer.PdfAsync(html, ct)));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "The posture report of the {Framework} evidence pack could not be printed to PDF; the pack holds the HTML", framework.Id);
            files.Add((NoPdfPath, Encoding.UTF8.GetBytes($"No PDF in this pack: printing failed ({ex.GetType().Name}).\nThe same report is in {HtmlPath}.\n")));
        }
        return files;
    }
}
