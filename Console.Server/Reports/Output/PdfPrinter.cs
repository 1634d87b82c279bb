using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>
/// Prints report HTML to PDF in headless Chromium through Playwright: one warm browser shared by every run (warm pages,
/// each in a context of its own, reused print after print: ADR 0136), scripts disabled, every request except data: refused, page numbers at the foot (the document's
/// @page margin box, <see cref="Templates.ReportDocument"/>) and a document
/// outline from the headings (<see cref="PdfOutlineWriter"/>: the PDF is printed untagged and the outline added after,
/// ADR 0115, unless <c>Reports:TaggedPdf</c> asks for a tagged PDF, whose outline Chromium makes). A report with a long
/// table is printed in parts at once, one warm page each, and the parts joined, numbered and outlined afterwards
/// (<see cref="PdfParts"/>, ADR 0170). Where Chromium is not installed, <see cref="Unavailable"/> says in one sentence what to install.
/// </summary>
/// <remarks>
/// On Linux Chromium runs at a low CPU priority (ADR 0100), <c>Reports:ChromiumNice</c> (19 by default): it is started
/// through <c>nice</c>, so every process it starts (zygote, renderers, utilities) and every thread inherits the value;
/// and, as Playwright starts the browser in a session of its own, which the kernel schedules as a group of its own
/// (autogroup) against the console's, that group's nice value is set too. Where chrt is installed Chromium also runs
/// under the SCHED_IDLE policy, which it cannot undo (as root it resets its threads' nice values itself). Printing then
/// uses the CPU the hot paths leave over and yields the moment a key verification wants a core.
/// </remarks>
public sealed class PdfPrinter(IOptions<ReportsOptions> options, ReportWork work, ILogger<PdfPrinter> logger) : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly SemaphoreSlim _starting = new(1, 1);
    private readonly ConcurrentBag<(IBrowser Browser, IPage Page)> _warm = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private ChromiumLauncher? _launcher;
    private int _opened;

    /// <summary>Null when PDF output works here; otherwise the sentence a PDF request answers with.</summary>
    public string? Unavailable => File.Exists(options.Value.ChromiumPath)
        ? null
        : $"PDF output needs Chromium, which is not installed at {options.Value.ChromiumPath}: install the Debian package 'chromium' (HTML and CSV work without it).";

    /// <summary>The process id of the running browser when it was started through the low-priority launcher; null before that, or elsewhere.</summary>
    public int? BrowserProcessId { get; private set; }

    /// <summary>Starts the shared browser if it is not running yet.</summary>
    public Task WarmAsync(CancellationToken ct) => BrowserAsync(ct);

    /// <summary>The most parts a PDF is printed in at once (ADR 0170): <c>Reports:PrintParts</c>, 0 the processor count (at most 4).</summary>
    internal int MaxParts => options.Value.PrintParts > 0 ? options.Value.PrintParts : Math.Clamp(Environment.ProcessorCount, 1, 4);

    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var steps = new PdfPrintSteps();
        // A report with a long enough table prints in parts at once, one renderer each (ADR 0170); tagged PDFs in one piece.
        var planned = options.Value.TaggedPdf ? 1 : PdfParts.Plan(html, MaxParts, options.Value.PrintPartMinRows);
        var opened = Volatile.Read(ref _opened);
        var printed = await PrintPagesAsync(html, planned, steps, watch, ct);
        byte[] result;
        if (printed.Count > 1)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                // On the report lane (ADR 0135), as the outline: PDFsharp reads the parts and writes the whole file.
                var (joined, entries) = await work.RunAsync(() => PdfParts.Join(printed, steps.MarkedHeadings), ct);
                WarnIfHeadingsMissing(entries, steps.MarkedHeadings.Count);
                result = joined;
                steps.Outline = Lap(watch);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
            {
                // The parts are each a correct print of a part, but not a report: print it again in one piece.
                logger.LogWarning(ex, "Report PDF: the {Parts} parts could not be joined; the report is printed again in one piece.", printed.Count);
                steps = new PdfPrintSteps();
                watch.Restart();
                result = await OnePieceAsync(html, steps, watch, ct);
            }
        }
        else
        {
            result = await OutlinedAsync(printed[0], steps, watch, ct);
        }
        logger.LogInformation(
            "Report PDF printed in {Total:F0} ms: page {Page:F0} ms, content {Content:F0} ms, headings {Headings:F0} ms, print {Print:F0} ms, outline {Outline:F0} ms, close {Close:F0} ms; {Kilobytes:N0} KB from {HtmlKilobytes:N0} KB of HTML, {Parts} part(s), {Opened} page(s) opened.",
            steps.Total, steps.Page, steps.Content, steps.Headings, steps.Print, steps.Outline, steps.Close, result.Length / 1024, html.Length / 1024, printed.Count,
            Volatile.Read(ref _opened) - opened);
        return result;
    }

    private void WarnIfHeadingsMissing(int entries, int headings)
    {
        if (entries < headings)
        {
            logger.LogWarning("Report PDF: {Entries} of {Headings} headings have an outline entry (the others have no destination in the PDF).",
                entries, headings);
        }
    }

    private async Task<byte[]> OnePieceAsync(string html, PdfPrintSteps steps, Stopwatch watch, CancellationToken ct) =>
        await OutlinedAsync((await PrintPagesAsync(html, 1, steps, watch, ct))[0], steps, watch, ct);

    /// <summary>A PDF printed in one piece, with its outline written from the headings' destinations unless it was printed tagged.</summary>
    private async Task<byte[]> OutlinedAsync(byte[] pdf, PdfPrintSteps steps, Stopwatch watch, CancellationToken ct)
    {
        // Untagged unless asked for (ADR 0115): the outline is then written from the headings' named destinations.
        if (options.Value.TaggedPdf)
        {
            return pdf;
        }
        var result = pdf;
        ct.ThrowIfCancellationRequested();
        try
        {
            // On the report lane (ADR 0135): PDFsharp reads and writes the whole file, CPU the hot paths must not wait behind.
            var (outlined, entries) = await work.RunAsync(() => PdfOutlineWriter.Add(pdf, steps.MarkedHeadings), ct);
            WarnIfHeadingsMissing(entries, steps.MarkedHeadings.Count);
            result = outlined;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            // The outline is a convenience: a PDF without one is still the report, with all its text.
            logger.LogWarning(ex, "Report PDF: the outline could not be added; the PDF is kept without one.");
        }
        steps.Outline = Lap(watch);
        return result;
    }

    /// <summary>
    /// Chromium's part: warm pages (one, or one per part), the HTML loaded into each, the headings marked (and, in parts,
    /// each page cut to its part), printed (the parts at once); the steps timed. The PDFs of the parts, in order.
    /// </summary>
    private async Task<List<byte[]>> PrintPagesAsync(string html, int parts, PdfPrintSteps steps, Stopwatch watch, CancellationToken ct)
    {
        var taken = new List<(IBrowser Browser, IPage Page)>(parts);
        var reusable = false;
        try
        {
            foreach (var page in await Task.WhenAll(Enumerable.Range(0, parts).Select(_ => TakePageAsync(ct))))
            {
                taken.Add(page);
            }
            steps.Page = Lap(watch);
            var print = PrintPage(html);
            await Task.WhenAll(taken.Select(t => t.Page.SetContentAsync(print, new PageSetContentOptions { WaitUntil = WaitUntilState.Load }))).WaitAsync(ct);
            steps.Content = Lap(watch);
            var tagged = options.Value.TaggedPdf;
            var printing = 1;
            if (parts > 1)
            {
                var minRows = options.Value.PrintPartMinRows;
                var splits = await Task.WhenAll(taken.Select((t, i) => t.Page.EvaluateAsync<JsonElement>(PdfParts.SplitScript, new object[] { parts, i, minRows }))).WaitAsync(ct);
                var split = PdfParts.Split(splits[0]);
                steps.MarkedHeadings = split.Headings;
                printing = Math.Clamp(split.Parts, 1, parts);
            }
            else if (!tagged)
            {
                steps.MarkedHeadings = PdfOutlineWriter.Headings(await taken[0].Page.EvaluateAsync<JsonElement>(PdfOutlineWriter.MarkHeadingsScript).WaitAsync(ct));
            }
            steps.Headings = Lap(watch);
            var pdfs = await Task.WhenAll(taken.Take(printing).Select(t => t.Page.PdfAsync(new PagePdfOptions
            {
                Format = "A4",
                PrintBackground = true,
                // Page numbers come from the document's @page bottom margin box (ReportDocument), which Chromium lays out with
                // the pages; a footer template is a page of its own laid out once per printed page. Parts print without
                // them, and the joined document is numbered as a whole (PdfParts).
                DisplayHeaderFooter = false,
                Margin = new Margin { Top = "16mm", Bottom = "16mm", Left = "12mm", Right = "12mm" },
                Outline = tagged,
                Tagged = tagged,
            }))).WaitAsync(ct);
            steps.Print = Lap(watch);
            reusable = true;
            return [.. pdfs];
        }
        finally
        {
            // A page that printed goes back warm, emptied first; one that failed or was cancelled is closed with its context.
            foreach (var (browser, page) in taken)
            {
                _ = reusable ? RecycleAsync(browser, page) : CloseAsync(page);
            }
            steps.Close = Lap(watch);
        }
    }

    /// <summary>
    /// A warm page (ADR 0136): one kept from an earlier print, else a new one in a context of its own, with script off and
    /// every request but data: refused. Opening a page starts a renderer process, which costs as much as a fifth of a large
    /// report's print on a loaded machine; a page is emptied after each print and holds nothing of it.
    /// </summary>
    private async Task<(IBrowser Browser, IPage Page)> TakePageAsync(CancellationToken ct)
    {
        var browser = await BrowserAsync(ct);
        while (_warm.TryTake(out var warm))
        {
            if (warm.Browser == browser && browser.IsConnected && !warm.Page.IsClosed)
            {
                return warm;
            }
            await CloseAsync(warm.Page);
        }
        Interlocked.Increment(ref _opened);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, Offline = true });
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith("data:", StringComparison.Ordinal) ? route.ContinueAsync() : route.AbortAsync());
        return (browser, page);
    }

    private async Task RecycleAsync(IBrowser browser, IPage page)
    {
        try
        {
            await page.SetContentAsync(EmptyPage);
            if (_warm.Count < options.Value.Concurrency * MaxParts && browser == _browser)
            {
                _warm.Add((browser, page));
                return;
            }
        }
        catch (Exception ex) when (ex is PlaywrightException or ObjectDisposedException)
        {
            logger.LogDebug(ex, "Report PDF: a page could not be emptied; it is closed.");
        }
        await CloseAsync(page);
    }

    private async Task CloseAsync(IPage page)
    {
        try
        {
            await page.Context.CloseAsync();
        }
        catch (Exception ex) when (ex is PlaywrightException or ObjectDisposedException)
        {
            logger.LogDebug(ex, "Report PDF: a page's context could not be closed (the browser has gone).");
        }
    }

    private const string EmptyPage = "<!DOCTYPE html><html><head><title></title></head><body></body></html>";

    private static double Lap(Stopwatch watch)
    {
        var ms = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        return ms;
    }

    /// <summary>
    /// The HTML the print page gets: the report's own, with one rule more that hides it on screen (ADR 0136). The page is
    /// only printed, never shown; without the rule Chromium lays a large report out twice, once for its screen when the
    /// HTML has loaded and again for paper. The stored HTML artifact does not have it.
    /// </summary>
    internal static string PrintPage(string html)
    {
        const string hide = "<style>@media screen { html { display: none } }</style>";
        var head = html.IndexOf("</head>", StringComparison.OrdinalIgnoreCase);
        return head >= 0 ? html.Insert(head, hide) : hide + html;
    }

    private async Task<IBrowser> BrowserAsync(CancellationToken ct)
    {
        if (_browser is { IsConnected: true } warm)
        {
            return warm;
        }
        await _starting.WaitAsync(ct);
        try
        {
            if (_browser is { IsConnected: true } started)
            {
                return started;
            }
            if (Unavailable is { } why)
            {
                throw new InvalidOperationException(why);
            }
            _playwright ??= await Playwright.CreateAsync();
            _launcher ??= ChromiumLauncher.Create(options.Value.ChromiumPath, options.Value.ChromiumNice, logger);
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = _launcher?.Script ?? options.Value.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
            BrowserProcessId = _launcher?.ProcessId();
            logger.LogInformation("Chromium started for report PDFs ({Version}; {Priority}).", _browser.Version,
                _launcher is null ? "normal CPU priority" : $"nice {options.Value.ChromiumNice}, pid {BrowserProcessId}");
            return _browser;
        }
        finally
        {
            _starting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        _launcher?.Dispose();
    }
}

/// <summary>Where one print's time went, in milliseconds: opening the page, loading the HTML, marking the headings, Chromium's print, the outline, closing the page.</summary>
internal sealed class PdfPrintSteps
{
    public List<PdfHeading> MarkedHeadings { get; set; } = [];

    public double Page { get; set; }

    public double Content { get; set; }

    public double Headings { get; set; }

    public double Print { get; set; }

    public double Outline { get; set; }

    public double Close { get; set; }

    public double Total => Page + Content + Headings + Print + Outline + Close;
}
