using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using SecurityConsole.Testing;
using static Microsoft.Playwright.Assertions;

namespace SecurityConsole.E2E.Tests;

/// <summary>What every browser test shares: Debian's Chromium, a console-sized context, signing in, and evidence on failure.</summary>
internal static class E2EBrowser
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Password = "Correct-Horse-Battery-9";

    /// <summary>Skips with a message saying what to install; with CONSOLE_TESTS_REQUIRE_ALL=1 a missing Chromium fails instead.</summary>
    public static void SkipWithoutChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.True(Environment.GetEnvironmentVariable("CONSOLE_TESTS_REQUIRE_ALL") != "1",
                $"Chromium not found at {ChromiumPath} and CONSOLE_TESTS_REQUIRE_ALL=1: apt-get install chromium");
            Assert.Skip($"Chromium not found at {ChromiumPath}: apt-get install chromium");
        }
    }

    /// <summary>artifacts/screenshots (git-ignored); CONSOLE_E2E_SCREENSHOTS=docs/images refreshes the README's.</summary>
    public static string ScreenshotFolder()
    {
        var images = Environment.GetEnvironmentVariable("CONSOLE_E2E_SCREENSHOTS") is { Length: > 0 } target
            ? Path.GetFullPath(target, E2EConsole.RepositoryRoot)
            : Path.Combine(E2EConsole.RepositoryRoot, "artifacts", "screenshots");
        Directory.CreateDirectory(images);
        return images;
    }

    /// <summary>Debian's Chromium, headless, making no calls into the network of its own.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new()
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    public static async Task<IBrowserContext> NewContextAsync(IBrowser browser, ConsoleProcess server)
    {
        var context = await browser.NewContextAsync(new()
        {
            ViewportSize = new() { Width = 1440, Height = 900 },
            ColorScheme = ColorScheme.Light,
            BaseURL = server.BaseUrl,
        });
        WaitGenerously(context);
        return context;
    }

    /// <summary>
    /// Every wait of Playwright's (an element, a text, a navigation) ends as soon as its condition holds; its ceiling is the
    /// kit's generous one, since a cold WebAssembly start on a busy two-core machine (load 20 and more) takes a while.
    /// </summary>
    public static void WaitGenerously(IBrowserContext context)
    {
        var ceiling = (float)Eventually.DefaultCeiling.TotalMilliseconds;
        context.SetDefaultTimeout(ceiling);
        context.SetDefaultNavigationTimeout(ceiling);
        SetDefaultExpectTimeout(ceiling);
    }

    public static async Task CreateFirstAdminAsync(IPage page, string setupLink)
    {
        await page.GotoAsync(setupLink);
        await page.GetByLabel("Email").FillAsync("admin@example.com");
        await page.GetByLabel("Password (at least 12 characters)").FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin and sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await InteractiveAsync(page);
    }

    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await InteractiveAsync(page);
    }

    /// <summary>
    /// Waits until the browser's client has taken over the page: the Dashboard arrives drawn by the server (ADR 0095),
    /// and a click on a button before the client runs does nothing.
    /// </summary>
    public static Task InteractiveAsync(IPage page) => Expect(page.Locator(".mud-layout[data-interactive=true]")).ToBeAttachedAsync();

    /// <summary>Browser errors, warnings and failed requests, each a reason to fail.</summary>
    public static void Watch(IPage page, string who, List<string> problems)
    {
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Add($"{who} console {m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Add($"{who} page error: {e}");
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                problems.Add($"{who} HTTP {r.Status} {r.Request.Method} {r.Url}");
            }
        };
    }

    /// <summary>
    /// For an exception filter: leaves what is needed to see why a test failed (a screenshot, the browser's console,
    /// the server's output) in a folder named after the test, and returns false so the exception propagates.
    /// </summary>
    public static bool WriteFailureEvidence(IPage page, List<string> problems, ConsoleProcess server, [CallerMemberName] string test = "")
    {
        var folder = Path.Combine(Path.GetTempPath(), $"console-e2e-failure-{test}");
        Directory.CreateDirectory(folder);
        try
        {
            page.ScreenshotAsync(new() { Path = Path.Combine(folder, "page.png"), FullPage = true }).GetAwaiter().GetResult();
        }
        catch (PlaywrightException)
        {
        }
        File.WriteAllLines(Path.Combine(folder, "browser.log"), problems);
        File.WriteAllText(Path.Combine(folder, "server.log"), server.Output);
        TestContext.Current.SendDiagnosticMessage($"Failure evidence in {folder}");
        return false;
    }
}
