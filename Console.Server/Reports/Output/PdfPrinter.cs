using Microsoft.Extensions.Options;
using Microsoft.Playwright;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>
/// Prints report HTML to PDF in headless Chromium through Playwright: one warm browser shared by every run (a fresh
/// context per print), scripts disabled, every request except data: refused, page numbers in the footer and a document
/// outline from the headings. Where Chromium is not installed, <see cref="Unavailable"/> says in one sentence what to install.
/// </summary>
public sealed class PdfPrinter(IOptions<ReportsOptions> options, ILogger<PdfPrinter> logger) : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private const string Footer =
        "<div style=\"font-size:8px;width:100%;text-align:center;color:#757575\"><span class=\"pageNumber\"></span> / <span class=\"totalPages\"></span></div>";

    private readonly SemaphoreSlim _starting = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Null when PDF output works here; otherwise the sentence a PDF request answers with.</summary>
    public string? Unavailable => File.Exists(options.Value.ChromiumPath)
        ? null
        : $"PDF output needs Chromium, which is not installed at {options.Value.ChromiumPath}: install the Debian package 'chromium' (HTML and CSV work without it).";

    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        var browser = await BrowserAsync(ct);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { JavaScriptEnabled = false, Offline = true });
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/*", route => route.Request.Url.StartsWith("data:", StringComparison.Ordinal) ? route.ContinueAsync() : route.AbortAsync());
        await page.SetContentAsync(html, new PageSetContentOptions { WaitUntil = WaitUntilState.Load }).WaitAsync(ct);
        return await page.PdfAsync(new PagePdfOptions
        {
            Format = "A4",
            PrintBackground = true,
            DisplayHeaderFooter = true,
            HeaderTemplate = "<span></span>",
            FooterTemplate = Footer,
            Margin = new Margin { Top = "16mm", Bottom = "16mm", Left = "12mm", Right = "12mm" },
            Outline = true,
            Tagged = true,
        }).WaitAsync(ct);
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
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = options.Value.ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
            logger.LogInformation("Chromium started for report PDFs ({Version}).", _browser.Version);
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
    }
}
