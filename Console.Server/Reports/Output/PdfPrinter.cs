using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>
/// Prints report HTML to PDF in headless Chromium through Playwright: one warm browser shared by every run (a fresh
/// context per print), scripts disabled, every request except data: refused, page numbers at the foot (the document's
/// @page margin box, <see cref="Templates.ReportDocument"/>) and a document
/// outline from the headings (<see cref="PdfOutlineWriter"/>: the PDF is printed untagged and the outline added after,
/// ADR 0115, unless <c>Reports:TaggedPdf</c> asks for a tagged PDF, whose outline Chromium makes). Where Chromium is not installed, <see cref="Unavailable"/> says in one sentence what to install.
/// </summary>
/// <remarks>
/// On Linux Chromium runs at a low CPU priority (ADR 0100), <c>Reports:ChromiumNice</c> (19 by default): it is started
/// through <c>nice</c>, so every process it starts (zygote, renderers, utilities) and every thread inherits the value;
/// and, as Playwright starts the browser in a session of its own, which the kernel schedules as a group of its own
/// (autogroup) against the console's, that group's nice value is set too. Where chrt is installed Chromium also runs
/// under the SCHED_IDLE policy, which it cannot undo (as root it resets its threads' nice values itself). Printing then
/// uses the CPU the hot paths leave over and yields the moment a key verification wants a core.
/// </remarks>
public sealed class PdfPrinter(IOptions<ReportsOptions> options, ILogger<PdfPrinter> logger) : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly SemaphoreSlim _starting = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private DirectoryInfo? _launcher;

    /// <summary>Null when PDF output works here; otherwise the sentence a PDF request answers with.</summary>
    public string? Unavailable => File.Exists(options.Value.ChromiumPath)
        ? null
        : $"PDF output needs Chromium, which is not installed at {options.Value.ChromiumPath}: install the Debian package 'chromium' (HTML and CSV work without it).";

    /// <summary>The process id of the running browser when it was started through the low-priority launcher; null before that, or elsewhere.</summary>
    public int? BrowserProcessId { get; private set; }

    /// <summary>Starts the shared browser if it is not running yet.</summary>
    public Task WarmAsync(CancellationToken ct) => BrowserAsync(ct);

    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        var browser = await BrowserAsync(ct);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, Offline = true });
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith("data:", StringComparison.Ordinal) ? route.ContinueAsync() : route.AbortAsync());
        await page.SetContentAsync(html, new PageSetContentOptions { WaitUntil = WaitUntilState.Load }).WaitAsync(ct);
        // Untagged unless asked for (ADR 0115): the outline is then written from the headings' named destinations.
        var tagged = options.Value.TaggedPdf;
        List<PdfHeading> headings = tagged ? [] : PdfOutlineWriter.Headings(await page.EvaluateAsync<JsonElement>(PdfOutlineWriter.MarkHeadingsScript).WaitAsync(ct));
        var pdf = await page.PdfAsync(new PagePdfOptions
        {
            Format = "A4",
            PrintBackground = true,
            // Page numbers come from the document's @page bottom margin box (ReportDocument), which Chromium lays out with
            // the pages; a footer template is a page of its own laid out once per printed page.
            DisplayHeaderFooter = false,
            Margin = new Margin { Top = "16mm", Bottom = "16mm", Left = "12mm", Right = "12mm" },
            Outline = tagged,
            Tagged = tagged,
        }).WaitAsync(ct);
        if (tagged)
        {
            return pdf;
        }
        ct.ThrowIfCancellationRequested();
        try
        {
            var (outlined, entries) = PdfOutlineWriter.Add(pdf, headings);
            if (entries < headings.Count)
            {
                logger.LogWarning("Report PDF: {Entries} of {Headings} headings have an outline entry (the others have no destination in the PDF).", entries, headings.Count);
            }
            return outlined;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The outline is a convenience: a PDF without one is still the report, with all its text.
            logger.LogWarning(ex, "Report PDF: the outline could not be added; the PDF is kept without one.");
            return pdf;
        }
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
            var launcher = Launcher();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = launcher ?? options.Value.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
            BrowserProcessId = launcher is null ? null : LaunchedProcessId();
            logger.LogInformation("Chromium started for report PDFs ({Version}; {Priority}).", _browser.Version,
                launcher is null ? "normal CPU priority" : $"nice {options.Value.ChromiumNice}, pid {BrowserProcessId}");
            return _browser;
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>
    /// A script in a private directory that records its process id, lowers the priority of its session's scheduling
    /// group where the kernel groups sessions (autogroup), and becomes Chromium through <c>nice</c> (<c>exec</c> keeps
    /// the id and Playwright's pipes); null where the priority is not lowered (not Linux, ChromiumNice 0, no nice).
    /// </summary>
    private string? Launcher()
    {
        var level = options.Value.ChromiumNice;
        if (!OperatingSystem.IsLinux() || level == 0)
        {
            return null;
        }
        if (new[] { "/usr/bin/nice", "/bin/nice" }.FirstOrDefault(File.Exists) is not { } nice)
        {
            logger.LogWarning("Chromium for report PDFs runs at normal CPU priority: nice (coreutils) is not installed.");
            return null;
        }
        // Chromium running as root sets its threads' nice values itself (0, or -8 for the ones that draw), undoing nice;
        // the SCHED_IDLE policy (chrt --idle, util-linux) it does not change, and under it nice values do not count.
        var chrt = new[] { "/usr/bin/chrt", "/bin/chrt" }.FirstOrDefault(File.Exists);
        var idle = chrt is null ? "" : $"{chrt} --idle 0 ";
        _launcher ??= Directory.CreateTempSubdirectory("security-console-chromium-");
        var script = Path.Combine(_launcher.FullName, "chromium");
        var n = level.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(script,
            $"""
            #!/bin/sh
            echo $$ > {Quote(Path.Combine(_launcher.FullName, "chromium.pid"))}
            if [ -w /proc/self/autogroup ]; then echo {n} > /proc/self/autogroup 2>/dev/null; fi
            exec {idle}{nice} -n {n} {Quote(options.Value.ChromiumPath)} "$@"

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private int? LaunchedProcessId()
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(_launcher!.FullName, "chromium.pid")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }
        _playwright?.Dispose();
        try
        {
            _launcher?.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind; the system's cleaner takes it.
        }
    }
}
