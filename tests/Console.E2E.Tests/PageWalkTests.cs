using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SecurityConsole.Server.Tests.Security;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// Every page, for every role, at a desktop's size (1440×900) and a phone's (390×844), on the demo's data (issue 14,
/// "What it must show"). The admin is the first admin; the other roles are the demo's own accounts, signed in as a newcomer
/// would, with the password and the two-factor key the demo prints. The walk fails on a console error or an uncaught
/// error in the browser, a failed request, a horizontal scrollbar in the main content, and an element wider than its card.
/// A page with a problem, or one that never settled, leaves its screenshot in artifacts/screenshots/walk (or
/// CONSOLE_E2E_SCREENSHOTS/walk); with CONSOLE_E2E_WALK_SCREENSHOTS=1 every page does. Where each page's time went is
/// reported (the test's output, and timings.txt in that folder).
/// </summary>
public sealed partial class PageWalkTests
{
    private static readonly (string Role, string? Email)[] People =
    [
        ("admin", null),
        ("analyst", "ana.analyst@demo.example"),
        ("auditor", "ada.auditor@demo.example"),
        ("approver", "paul.approver@demo.example"),
        ("developer", "dev.payments@demo.example"),
    ];

    private static readonly (int Width, int Height)[] Sizes = [(1440, 900), (390, 844)];

    /// <summary>The account area: served by the server, in the console's layout, for everyone.</summary>
    private static readonly string[] AccountPages =
    [
        "Account/Manage", "Account/Manage/ChangePassword", "Account/Manage/TwoFactorAuthentication", "Account/Manage/Passkeys", "Account/Manage/Sessions",
    ];

    /// <summary>Pages with their own layout (Hangfire's, the API reference's): checked for errors and failed requests, not for the console's layout.</summary>
    private static readonly string[] OwnLayout = ["jobs", "api-docs"];

    /// <summary>Detail pages, found through the links of the pages walked; one of each kind per role.</summary>
    private static readonly Regex[] Details =
    [
        new("^keys/[0-9a-f-]{36}$"), new(@"^alerts/\d+$"), new("^compliance/controls/[^/?#]+$"), new("^compliance/access-reviews/[0-9a-f-]{36}$"),
        new("^compliance/[^/?#]+/requirements/[^/?#]+$"), new("^compliance/(?!controls$|access-reviews$)[^/?#]+$"), new("^reports/runs/[0-9a-f-]{36}$"),
        new("^reports/templates/[0-9a-f-]{36}$"),
    ];

    [Fact]
    public async Task EveryPageForEveryRoleAtDesktopAndPhoneSizeHasNoErrorsAndNothingWiderThanItsPlace()
    {
        var shots = Path.Combine(ScreenshotFolder(), "walk");
        Directory.CreateDirectory(shots);
        // The folder shows this walk's pages only, not an earlier walk's.
        foreach (var old in Directory.GetFiles(shots, "*.png"))
        {
            File.Delete(old);
        }
        // A full-page PNG of every page costs the browser more than the page itself: only when asked for.
        var everyScreenshot = Environment.GetEnvironmentVariable("CONSOLE_E2E_WALK_SCREENSHOTS") == "1";
        await using var session = await BrowserSession.StartAsync("--demo");
        var problems = new List<string>();
        var visited = new List<string>();
        var where = "start";
        var timings = new List<PageTiming>();
        var walk = Stopwatch.StartNew();
        IPage? current = null;
        try
        {
            var accounts = DemoAccounts(session.Server.Output);
            foreach (var (role, email) in People)
            {
                var page = email is null ? session.Page : await session.NewPageAsync(role);
                current = page;
                page.Console += (_, m) =>
                {
                    if (m.Type == "error")
                    {
                        problems.Add($"{where}: console error: {m.Text}");
                    }
                };
                page.PageError += (_, e) => problems.Add($"{where}: uncaught: {e}");
                page.Response += (_, r) =>
                {
                    if (r.Status >= 400)
                    {
                        problems.Add($"{where}: HTTP {r.Status} {r.Request.Method} {r.Url}");
                    }
                };
                page.RequestFailed += (_, r) =>
                {
                    // A page left while a request ran cancels it: not a failure anyone sees.
                    if (r.Failure is not "net::ERR_ABORTED")
                    {
                        problems.Add($"{where}: request failed ({r.Failure}): {r.Method} {r.Url}");
                    }
                };

                where = $"{role} sign-in";
                if (email is null)
                {
                    await CreateFirstAdminAsync(page, session.SetupLink);
                }
                else
                {
                    var key = accounts.Keys.GetValueOrDefault(email)
                        ?? throw new InvalidOperationException($"The demo printed no two-factor key for {email}:\n{session.Server.Output}");
                    await SignInWithTwoFactorAsync(page, email, accounts.Password, key);
                }

                // The console's pages first, then the server's (the account area, Hangfire's, the API reference): leaving the
                // client for a server page and coming back loads the client afresh, which costs more than most pages. So
                // at desktop size the walk goes client pages → server pages, and at phone size server pages → client
                // pages: the client loads once per size, not once for every way back from a server page.
                var routes = new List<string>();
                foreach (var (width, height) in Sizes)
                {
                    await page.SetViewportSizeAsync(width, height);
                    if (routes.Count == 0)
                    {
                        // The role's pages are the ones its menu offers (at desktop size, where the menu is open).
                        var menu = (await page.EvalOnSelectorAllAsync<string[]>("[data-testid=nav] a[href]",
                            "els => els.map(a => new URL(a.href).pathname.replace(/^\\//, ''))")).Where(r => r.Length > 0).Distinct().ToList();
                        routes.Add("");
                        routes.AddRange(menu.Where(r => !ServerPage(r)));
                        routes.AddRange(menu.Where(ServerPage));
                        routes.AddRange(AccountPages);
                    }
                    var order = width == Sizes[0].Width ? routes : [.. routes.Where(ServerPage), .. routes.Where(r => !ServerPage(r))];
                    var found = new HashSet<Regex>();
                    for (var i = 0; i < order.Count; i++)
                    {
                        var route = order[i];
                        where = $"{role} {width}x{height} /{route}";
                        visited.Add(where);
                        var timing = new PageTiming(where);
                        timings.Add(timing);
                        var problemsBefore = problems.Count;
                        var watch = Stopwatch.StartNew();
                        timing.Unsettled = await VisitAsync(page, route, timing);
                        watch.Restart();
                        if (!OwnLayout.Contains(route))
                        {
                            problems.AddRange((await page.EvaluateAsync<string[]>(LayoutCheck)).Select(p => $"{where}: {p}"));
                        }
                        timing.Layout = watch.Elapsed;
                        if (everyScreenshot || problems.Count > problemsBefore || timing.Unsettled is not null)
                        {
                            // A moment for what the mouse leaving may still be fading (a tooltip, a hover), for the picture.
                            watch.Restart();
                            await page.WaitForTimeoutAsync(300);
                            timing.Pause = watch.Elapsed;
                            watch.Restart();
                            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, $"{role}-{width}-{Slug(route)}.png"), FullPage = true });
                            timing.Screenshot = watch.Elapsed;
                        }
                        if (width == Sizes[0].Width)
                        {
                            // One detail page of each kind the page links to, walked at every size after the lists.
                            var links = await page.EvalOnSelectorAllAsync<string[]>("main a[href], .mud-main-content a[href]",
                                "els => els.map(a => new URL(a.href, location.href)).filter(u => u.origin === location.origin).map(u => u.pathname.replace(/^\\//, ''))");
                            foreach (var link in links.Distinct())
                            {
                                if (Details.FirstOrDefault(d => d.IsMatch(link)) is { } kind && found.Add(kind) && !routes.Contains(link))
                                {
                                    // Among the client's pages still to come, before the server's.
                                    var firstServer = routes.FindIndex(i + 1, ServerPage);
                                    routes.Insert(firstServer < 0 ? routes.Count : firstServer, link);
                                }
                            }
                        }
                    }
                }
            }

            var report = PageTiming.Report(timings, walk.Elapsed);
            TestContext.Current.SendDiagnosticMessage($"Walked {visited.Count} pages; {(everyScreenshot ? "screenshots" : "screenshots of pages with a problem")} in {shots}\n{report}");
            TestContext.Current.TestOutputHelper?.WriteLine(report);
            await File.WriteAllTextAsync(Path.Combine(shots, "timings.txt"), report, TestContext.Current.CancellationToken);
            Assert.True(visited.Count >= 60, $"Only {visited.Count} pages walked:\n{string.Join("\n", visited)}");
            Assert.True(problems.Count == 0, $"{problems.Count} problems in {visited.Count} pages:\n{string.Join("\n", problems.Distinct())}");
        }
        catch (Exception) when (session.WriteFailureEvidence(current))
        {
            throw;
        }
    }

    /// <summary>
    /// A console page in the running client is reached as a click would reach it (Blazor's navigation, no reload); the
    /// server's pages and pages with their own layout are loaded. Then waits until nothing on it is still loading.
    /// </summary>
    /// <returns>What was still loading when the wait for the page to settle gave up, or null when it settled.</returns>
    private static async Task<string?> VisitAsync(IPage page, string route, PageTiming timing)
    {
        var watch = Stopwatch.StartNew();
        string? unsettled = null;
        var server = ServerPage(route);
        var onServerPage = ServerPage(new Uri(page.Url).AbsolutePath.TrimStart('/'));
        var inClient = !server && !onServerPage && await page.EvaluateAsync<bool>("() => !!(window.Blazor && window.Blazor.navigateTo && document.querySelector('[data-testid=nav]'))");
        if (inClient)
        {
            await page.EvaluateAsync("r => Blazor.navigateTo(r)", "/" + route);
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath.TrimStart('/') == route);
        }
        else
        {
            await page.GotoAsync("/" + route);
        }
        if (route == "jobs")
        {
            await Expect(page.GetByText("Security Console jobs").First).ToBeVisibleAsync();
        }
        else if (route == "api-docs")
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        else
        {
            await Expect(page.Locator("h1").First).ToBeVisibleAsync();
            if (!server)
            {
                // A console page is checked as the client draws it, not as the server's first drawing (the Dashboard's).
                await InteractiveAsync(page);
            }
            timing.Navigate = watch.Elapsed;
            watch.Restart();
            // Loaded: no skeleton, nothing busy, charts drawn; a page that never settles is checked as it is after the wait.
            try
            {
                await page.WaitForFunctionAsync(
                    "() => !document.querySelector('.mud-skeleton, [aria-busy=true], .mud-progress-linear-indeterminate') && ![...document.querySelectorAll('[data-testid=chart] > div:last-child')].some(d => d.style.display !== 'none' && !d.querySelector('svg'))",
                    null, new() { Timeout = 20_000, PollingInterval = 100 });
            }
            catch (TimeoutException)
            {
                unsettled = await page.EvaluateAsync<string>(StillLoading);
            }
            timing.Settle = watch.Elapsed;
            watch.Restart();
        }
        if (timing.Navigate == TimeSpan.Zero)
        {
            timing.Navigate = watch.Elapsed;
        }
        await page.Mouse.MoveAsync(0, 0);
        return unsettled;
    }

    /// <summary>A page the server draws (the account area) or one with its own layout, outside the console's client.</summary>
    private static bool ServerPage(string route) => route.StartsWith("Account/", StringComparison.Ordinal) || OwnLayout.Contains(route);

    /// <summary>What keeps a page from settling: each element the wait looks for, named with its nearest test id.</summary>
    private const string StillLoading = """
        () => {
            const named = el => { const t = el.closest('[data-testid]'); return el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '') + (t ? ` in [data-testid=${t.dataset.testid}]` : ''); };
            const found = [...document.querySelectorAll('.mud-skeleton, [aria-busy=true], .mud-progress-linear-indeterminate')].map(named);
            found.push(...[...document.querySelectorAll('[data-testid=chart] > div:last-child')].filter(d => d.style.display !== 'none' && !d.querySelector('svg')).map(d => 'chart without svg: ' + named(d)));
            return [...new Set(found)].slice(0, 5).join('; ');
        }
        """;

    /// <summary>Where one page's time went: reaching it, waiting for it to settle, the pause, the layout check, the screenshot.</summary>
    private sealed class PageTiming(string where)
    {
        public string Where { get; } = where;
        public TimeSpan Navigate { get; set; }
        public TimeSpan Settle { get; set; }
        public TimeSpan Pause { get; set; }
        public TimeSpan Layout { get; set; }
        public TimeSpan Screenshot { get; set; }
        public string? Unsettled { get; set; }

        public TimeSpan Total => Navigate + Settle + Pause + Layout + Screenshot;

        private string Line() =>
            $"{Total.TotalSeconds,6:F1} s  {Where}: navigate {Navigate.TotalSeconds:F1}, settle {Settle.TotalSeconds:F1}, pause {Pause.TotalSeconds:F1}, " +
            $"layout {Layout.TotalSeconds:F2}, screenshot {Screenshot.TotalSeconds:F2}{(Unsettled is null ? "" : $"; never settled: {Unsettled}")}";

        /// <summary>The totals per step, the pages that never settled, and every page slowest first.</summary>
        public static string Report(IReadOnlyList<PageTiming> timings, TimeSpan walk)
        {
            static string Sum(IEnumerable<TimeSpan> spans) => $"{spans.Sum(t => t.TotalSeconds):F1} s";
            var unsettled = timings.Where(t => t.Unsettled is not null).ToList();
            return $"Page walk: {walk.TotalSeconds:F0} s in all (sign-ins included), {timings.Count} pages {Sum(timings.Select(t => t.Total))}: " +
                $"navigate {Sum(timings.Select(t => t.Navigate))}, settle {Sum(timings.Select(t => t.Settle))}, pause {Sum(timings.Select(t => t.Pause))}, " +
                $"layout check {Sum(timings.Select(t => t.Layout))}, screenshots {Sum(timings.Select(t => t.Screenshot))}; " +
                $"{unsettled.Count} never settled ({string.Join(", ", unsettled.Select(t => t.Where))})\n" +
                string.Join("\n", timings.OrderByDescending(t => t.Total).Select(t => t.Line()));
        }
    }

    private static async Task SignInWithTwoFactorAsync(IPage page, string email, string password, byte[] key)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        // Until the address is the code's page, not until its load event (the page was drawn, the wait for "load" ran out
        // once in .ci/run); the field below is waited for by itself.
        await page.WaitForURLAsync(new Regex("LoginWith2fa"), new() { WaitUntil = WaitUntilState.Commit });
        await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        // The Dashboard arrives drawn by the server (ADR 0095): the walk's in-client navigation needs the client running.
        await InteractiveAsync(page);
    }

    /// <summary>What --demo printed: the accounts' password and each account's two-factor key.</summary>
    private static (string Password, Dictionary<string, byte[]> Keys) DemoAccounts(string output)
    {
        var password = PrintedPassword().Match(output);
        Assert.True(password.Success, $"The demo printed no password:\n{output}");
        var keys = PrintedKey().Matches(output).ToDictionary(m => m.Groups[1].Value, m => Totp.Key(m.Groups[2].Value));
        return (password.Groups[1].Value, keys);
    }

    private static string Slug(string route) => route.Length == 0 ? "dashboard" : Regex.Replace(route, "[^A-Za-z0-9]+", "-").Trim('-').ToLowerInvariant();

    /// <summary>
    /// The layout rules, in the page: the main content does not scroll sideways, nor the page; no visible element reaches
    /// out of its card (paper), unless it sits in a box of its own that scrolls or clips (a wide table in its scroller).
    /// </summary>
    private const string LayoutCheck = """
        () => {
            const problems = [];
            const name = el => el.tagName.toLowerCase() + (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '')
                + (el.id ? `#${el.id}` : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).slice(0, 2).join('.') : '');
            const main = document.querySelector('.mud-main-content') || document.querySelector('main');
            if (main && main.scrollWidth > main.clientWidth + 1) problems.push(`the main content scrolls sideways (${main.scrollWidth}px in ${main.clientWidth}px)`);
            if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth}px in ${window.innerWidth}px)`);
            const hidden = el => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e); if (s.visibility === 'hidden' || s.display === 'none' || s.opacity === '0') return true; } return false; };
            const contained = (el, card) => { for (let p = el.parentElement; p && p !== card; p = p.parentElement) { if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
            for (const card of document.querySelectorAll('.mud-main-content .mud-paper, main .mud-paper, .mud-main-content .mud-card')) {
                const box = card.getBoundingClientRect();
                if (box.width === 0 || hidden(card)) continue;
                for (const el of card.querySelectorAll('*')) {
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 || r.height === 0) continue;
                    const over = Math.max(r.right - box.right, box.left - r.left);
                    if (over > 2 && !contained(el, card) && !hidden(el)) {
                        problems.push(`${name(el)} reaches ${Math.round(over)}px out of its card ${name(card)}`);
                        break;
                    }
                }
            }
            return problems;
        }
        """;

    [GeneratedRegex("the password \"([^\"]+)\"")]
    private static partial Regex PrintedPassword();

    [GeneratedRegex(@"(\S+@demo\.example)\s+two-factor key ([A-Za-z2-7]{4}(?: [A-Za-z2-7]{1,4})*)")]
    private static partial Regex PrintedKey();
}
