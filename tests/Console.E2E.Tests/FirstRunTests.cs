using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>The first minutes of an operator's life with the console, in Debian's Chromium.</summary>
public sealed class FirstRunTests
{
    private static readonly string[] Sections = ["Dashboard", "Alerts", "Threats", "Keys", "Audit", "Compliance", "Reports", "Admin"];

    [Fact]
    public async Task FirstRunCreatesTheAdminAndLandsOnALiveDashboard()
    {
        var images = ScreenshotFolder();
        // The build output, not the run's publish (ADR 0180): the untrimmed client, as `dotnet run` serves it, must start
        // too (it needs assemblies a trimmed client goes without, ADR 0140); every other test runs on the publish.
        await using var session = await BrowserSession.StartAsync(E2EClient.Build);
        var (server, setupLink, page) = (session.Server, session.SetupLink, session.Page);
        Assert.StartsWith(server.BaseUrl + "/setup?token=", setupLink);

        try
        {
            // The sign-in page, as a person who has no session sees it.
            await page.GotoAsync("/Account/Login");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = false }).First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "sign-in.png") });

            // First run: the one-time link creates the first admin and signs them in.
            await page.GotoAsync(setupLink);
            await page.GetByLabel("Email").FillAsync("admin@example.com");
            await page.GetByLabel("Password (at least 12 characters)").FillAsync("Correct-Horse-Battery-9");
            await page.GetByLabel("Confirm password").FillAsync("Correct-Horse-Battery-9");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create admin and sign in" }).ClickAsync();

            // Commit, not load: after the form post Blazor may navigate without a fresh load event; the heading below is the real check.
            await page.WaitForURLAsync(server.BaseUrl + "/", new() { WaitUntil = WaitUntilState.Commit });
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText("Loading the Security Console…")).ToBeHiddenAsync();

            var appBar = page.Locator(".mud-appbar");
            await Expect(appBar).ToContainTextAsync("Security Console");
            await Expect(appBar.GetByTestId("theme-toggle")).ToBeVisibleAsync();
            await Expect(appBar.GetByLabel("Account")).ToBeVisibleAsync();

            var nav = page.GetByTestId("nav");
            foreach (var section in Sections)
            {
                await Expect(nav.GetByText(section, new() { Exact = true })).ToBeVisibleAsync();
            }

            await Expect(page.GetByTestId("live-indicator")).ToHaveTextAsync("Live");

            // Setting up the admin is audited, so the activity chart has a point to draw.
            var chart = page.GetByTestId("chart");
            await Expect(chart.Locator(".apexcharts-canvas, svg").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("stat-card").First).Not.ToContainTextAsync("–");

            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "dashboard-light.png") });
            var lightBackground = await BackgroundLuminanceAsync(page);
            await page.GetByTestId("theme-toggle").ClickAsync();
            await Expect(chart.Locator(".apexcharts-theme-dark").First).ToBeAttachedAsync();
            var darkBackground = await BackgroundLuminanceAsync(page);
            Assert.True(darkBackground < 0.2 && lightBackground > 0.8,
                $"The page background should turn from light to dark; luminance went from {lightBackground:0.00} to {darkBackground:0.00}.");

            await page.Mouse.MoveAsync(0, 0);
            await page.EvaluateAsync("() => document.activeElement?.blur()");
            await page.WaitForTimeoutAsync(500);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "dashboard.png") });

            // The admin invites a colleague through the same API automation uses, and gets the link once.
            await nav.GetByText("Users and roles").ClickAsync();
            await Expect(page.GetByTestId("users-table")).ToContainTextAsync("admin@example.com");
            await page.GetByTestId("invite-user").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await dialog.GetByLabel("Email").FillAsync("analyst@example.com");
            await dialog.GetByTestId("invite-submit").ClickAsync();
            await Expect(dialog.GetByTestId("link-warning")).ToContainTextAsync("shown only once");
            await Expect(dialog.Locator("input[readonly]")).ToHaveValueAsync(new Regex("/Account/AcceptInvite\\?token=.+"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "invitation.png") });
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
            await Expect(page.GetByTestId("invitations-table")).ToContainTextAsync("analyst@example.com");
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "users.png") });

            // A section that has no data yet says what will live there.
            await nav.GetByText("Compliance", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Compliance", Level = 1 })).ToBeVisibleAsync();
            // Compliance evaluates the new console at once: its scope is said on the page, and its own defaults pass.
            await Expect(page.GetByTestId("compliance-scope")).ToContainTextAsync("this console");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "console-e2e-compliance.png") });

            // The auditor's view: everything above left a trail; search it, open an entry, verify the chain.
            await nav.GetByText("Audit", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit trail", Level = 1 })).ToBeVisibleAsync();
            var trail = page.GetByTestId("audit-table");
            await Expect(trail).ToContainTextAsync("user.invited");
            await page.GetByLabel("Action", new() { Exact = true }).FillAsync("setup.*");
            await page.GetByTestId("filter-search").ClickAsync();
            await Expect(trail).ToContainTextAsync("setup.completed");
            await Expect(trail).Not.ToContainTextAsync("user.invited");
            await Expect(page.GetByTestId("export-csv")).ToHaveAttributeAsync("href", new Regex("format=csv&action=setup\\.%2A"));

            await trail.Locator("tr", new() { HasText = "setup.completed" }).ClickAsync();
            var entry = page.GetByRole(AriaRole.Dialog);
            await Expect(entry).ToContainTextAsync("Place in the chain");
            await Expect(entry.GetByTestId("entry-chain")).ToContainTextAsync(new Regex("[0-9a-f]{64}"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "audit-entry.png") });
            // The admin holds pii:read: revealing shows the source IP in full, and is itself audited.
            await entry.GetByTestId("reveal").ClickAsync();
            await Expect(entry.GetByTestId("revealed-note")).ToContainTextAsync("recorded in the audit trail");
            await Expect(entry.GetByTestId("entry-ip")).Not.ToContainTextAsync("*");
            await entry.GetByTestId("entry-close").ClickAsync();
            await Expect(entry).ToBeHiddenAsync();

            await page.GetByTestId("verify-start").ClickAsync();
            await Expect(page.GetByTestId("verify-result")).ToContainTextAsync(new Regex("Intact: \\d+ entries, from #1 to #\\d+\\."));
            await page.Mouse.MoveAsync(0, 0);
            await page.EvaluateAsync("() => document.activeElement?.blur()");
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "audit.png") });

            // Retention beside the floors the standards require; a legal hold needs a reason.
            await page.GetByTestId("retention-link").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Retention and legal hold", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("floors-admin")).ToContainTextAsync("HIPAA");
            await page.GetByTestId("hold-submit").ClickAsync();
            await Expect(page.GetByTestId("legal-hold")).ToContainTextAsync("This field is required.");
            await page.GetByLabel("Reason").First.FillAsync("Case 2026-14: preserve records for outside counsel");
            await page.GetByTestId("hold-submit").ClickAsync();
            await Expect(page.GetByTestId("hold-current")).ToContainTextAsync("Case 2026-14");
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "audit-retention.png"), FullPage = true });

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }

    private static async Task<double> BackgroundLuminanceAsync(IPage page)
    {
        // The first opaque background behind the content: that is the colour a person sees.
        var rgb = await page.EvaluateAsync<string>("""
            () => {
                for (const el of [document.querySelector('.mud-main-content'), document.querySelector('.mud-layout'), document.body, document.documentElement]) {
                    const c = el && getComputedStyle(el).backgroundColor;
                    if (c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) return c;
                }
                return '';
            }
            """);
        var parts = Regex.Matches(rgb, @"\d+").Select(m => double.Parse(m.Value) / 255).ToArray();
        return parts.Length < 3 ? double.NaN : (0.2126 * parts[0]) + (0.7152 * parts[1]) + (0.0722 * parts[2]);
    }
}
