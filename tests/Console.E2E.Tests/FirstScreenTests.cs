using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// The first screen (issue 14, "Speed of the first screen"; ADR 0095): the Dashboard arrives drawn by the server with its
/// figures, painted before the client's runtime is fetched (ADR 0123), and the browser's client takes it over without
/// asking the API for them again and without an error.
/// </summary>
public sealed class FirstScreenTests
{
    [Fact]
    public async Task TheDashboardArrivesDrawnAndTheClientTakesItOverQuietly()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        await CreateFirstAdminAsync(admin, session.SetupLink);

        try
        {
            // The server's HTML alone, with the client's files refused: the Dashboard and its figures are there.
            // (A context of its own, not watched: the refused files are the point.)
            var bare = await session.Browser.NewContextAsync(new()
            {
                ViewportSize = new() { Width = 1440, Height = 900 },
                ColorScheme = ColorScheme.Light,
                BaseURL = session.Server.BaseUrl,
                StorageState = await admin.Context.StorageStateAsync(),
            });
            WaitGenerously(bare);
            var drawn = await bare.NewPageAsync();
            await drawn.RouteAsync("**/_framework/**", route => route.AbortAsync());
            await drawn.GotoAsync("/");
            await Expect(drawn.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
            await Expect(drawn.GetByTestId("stat-card").Filter(new() { HasText = "People" })).ToContainTextAsync(new Regex("People\\s*\\d"));
            await Expect(drawn.GetByTestId("open-total")).ToHaveTextAsync(new Regex("^\\d+$"));
            await Expect(drawn.Locator(".mud-skeleton")).ToHaveCountAsync(0);
            await Expect(drawn.Locator(".mud-layout[data-interactive=false]")).ToBeAttachedAsync();
            await bare.CloseAsync();

            // With the client: a fresh load does not ask the API for the figures again, the client takes over and
            // answers a click, and the browser logs no error or warning on the way.
            var asked = new List<string>();
            admin.Request += (_, request) =>
            {
                if (request.Url.Contains("/api/v1/dashboard/summary", StringComparison.Ordinal) || request.Url.Contains("/api/v1/alerts/summary", StringComparison.Ordinal))
                {
                    asked.Add(request.Url);
                }
            };
            // Every script, stylesheet and assembly of the first screen arrives compressed (ADR 0140: MudBlazor's stylesheet
            // under its fingerprinted name went out as 613 KiB of plain CSS).
            var uncompressed = new List<string>();
            admin.Response += (_, response) =>
            {
                var file = new Uri(response.Url).AbsolutePath;
                if (response.Status == 200 && (response.Request.ResourceType is "script" or "stylesheet" || file.EndsWith(".wasm", StringComparison.Ordinal))
                    && !response.Headers.ContainsKey("content-encoding"))
                {
                    uncompressed.Add(file);
                }
            };
            await admin.GotoAsync("/");
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
            await InteractiveAsync(admin);
            await Expect(admin.GetByTestId("live-indicator")).ToHaveTextAsync("Live");
            await Expect(admin.GetByTestId("stat-card").Filter(new() { HasText = "People" })).ToContainTextAsync(new Regex("People\\s*\\d"));
            var keysGroup = admin.GetByTestId("nav").Locator(".mud-nav-group").Filter(new() { HasText = "Keys" }).First;
            await keysGroup.Locator("button").First.ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Link, new() { Name = "All keys" })).ToBeHiddenAsync();

            Assert.True(asked.Count == 0, "The client asked again for figures the page arrived with: " + string.Join(", ", asked));
            Assert.True(uncompressed.Count == 0, "Sent uncompressed: " + string.Join(", ", uncompressed));

            // The page was painted before the client's runtime was fetched (ADR 0123): no WebAssembly file shared the wire
            // with the first paint. Read from the browser's own timeline (paint and resource timing), not from a clock.
            var timeline = await admin.EvaluateAsync<double[]>("""
                () => {
                    const paint = performance.getEntriesByName('first-contentful-paint')[0];
                    const runtime = performance.getEntriesByType('resource')
                        .filter(r => new URL(r.name).pathname.startsWith('/_framework/') && !r.name.includes('blazor.web'));
                    return [paint ? paint.startTime : -1, runtime.length, runtime.length ? Math.min(...runtime.map(r => r.startTime)) : -1];
                }
                """);
            Assert.True(timeline[0] > 0, "The browser recorded no first contentful paint");
            Assert.True(timeline[1] > 0, "The client's runtime files were never fetched");
            Assert.True(timeline[2] > timeline[0],
                $"The client's runtime was fetched from {timeline[2]:0} ms, before the first paint at {timeline[0]:0} ms");
            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }
}
