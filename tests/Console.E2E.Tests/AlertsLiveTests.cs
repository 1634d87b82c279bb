using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// Two analysts watch the Alerts page; a service reports a revoked key being tried and both see the alert
/// within a second; one acknowledges it and the other's screen follows. Then the detection screens on demo data.
/// </summary>
public sealed class AlertsLiveTests
{

    [Fact]
    public async Task AnEventThatTripsARuleShowsOnTwoAnalystsScreensAndTriageFollows()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        await CreateFirstAdminAsync(admin, session.SetupLink);
        await session.CreateUserAsync("analyst@example.com", "SecurityAnalyst");
        using var service = await session.ServiceClientAsync("events:write", "e2e-events");
        var analyst = await session.NewPageAsync("analyst");

        try
        {
            await SignInAsync(analyst, "analyst@example.com");
            foreach (var page in (IPage[])[admin, analyst])
            {
                await page.GetByTestId("nav").GetByText("Alerts", new() { Exact = true }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alerts", Level = 1 })).ToBeVisibleAsync();
                await Expect(page.GetByTestId("empty-state")).ToContainTextAsync("POST /api/v1/events");
                await Expect(page.GetByTestId("live-indicator")).ToHaveTextAsync("Live");
            }

            // A service reports that someone tried a revoked key: the built-in rule fires on the first attempt.
            var keyPrefix = "sc_e2e" + Random.Shared.Next(1000, 9999);
            var watch = Stopwatch.StartNew();
            using var response = await service.PostAsJsonAsync("/api/v1/events", new[]
            {
                new { type = "key.verify_failed", keyPrefix, sourceIp = "203.0.113.7", outcome = "denied", attributes = new { reason = "revoked" } },
            }, TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var posted = watch.Elapsed;
            var rows = new[] { admin, analyst }.Select(p => p.GetByTestId("alert-row").Filter(new() { HasText = keyPrefix })).ToArray();
            // Pushed, not fetched: the Alerts page has no timer and is not reloaded, so the row comes over the hub. How long it
            // took is reported (882–941 ms on a quiet machine), not asserted: a test must not fail on wall-clock time
            // under a loaded CI runner; the latency goal is measured by bench/detection (2xx → alert at a hub client).
            await Task.WhenAll(rows.Select(r => Expect(r).ToBeVisibleAsync()));
            var seen = watch.Elapsed;
            TestContext.Current.TestOutputHelper?.WriteLine($"Alert on both screens {seen.TotalMilliseconds:F0} ms after the POST began (POST answered after {posted.TotalMilliseconds:F0} ms)");
            foreach (var row in rows)
            {
                await Expect(row.GetByTestId("alert-severity")).ToHaveTextAsync("high");
                await Expect(row.GetByTestId("alert-status")).ToHaveTextAsync("open");
                await Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("alert-fresh"));
            }

            // The admin acknowledges in the detail; the analyst's list follows without a reload.
            await rows[0].ClickAsync();
            var detail = admin.GetByRole(AriaRole.Dialog);
            await detail.GetByLabel("Comment (the reason, for a false positive)").FillAsync("Looking into who still holds the old key.");
            await detail.GetByTestId("action-acknowledge").ClickAsync();
            await Expect(detail.GetByTestId("detail-status")).ToHaveTextAsync("acknowledged");
            watch.Restart();
            await Expect(rows[1].GetByTestId("alert-status")).ToHaveTextAsync("acknowledged");
            TestContext.Current.TestOutputHelper?.WriteLine($"Acknowledgement on the other screen after {watch.Elapsed.TotalMilliseconds:F0} ms");

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }

    [Fact]
    public async Task TheDetectionScreensShowTheDemoWeek()
    {
        var images = ScreenshotFolder();
        await using var session = await BrowserSession.StartAsync("--demo");
        var page = session.Page;

        try
        {
            await CreateFirstAdminAsync(page, session.SetupLink);
            await Expect(page.GetByTestId("open-alerts").GetByTestId("open-total")).Not.ToHaveTextAsync("0");

            await page.GetByTestId("nav").GetByText("Alerts", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("alert-row").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("alert-fired").Filter(new() { HasText = "times" }).First).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "alerts.png") });

            await page.GetByTestId("nav").GetByText("Threats", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("threat-timeline").Locator(".apexcharts-canvas").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("threat-heatmap").Locator(".apexcharts-canvas").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("top-entity").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("entity-profile").Locator(".apexcharts-canvas").First).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(0, 0);
            await page.WaitForTimeoutAsync(500);
            await page.SetViewportSizeAsync(1440, 1880);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "threats.png") });
            await page.SetViewportSizeAsync(1440, 900);

            await page.GetByTestId("nav").GetByText("Detection rules", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("rule-row").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "detection-rules.png") });

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }
}
