using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// An API key's whole life in the browser: a developer requests it, an approver approves it, the developer
/// picks up the secret once, a service verifies it, and the developer rotates and revokes it.
/// </summary>
public sealed class KeyLifecycleTests
{

    [Fact]
    public async Task ADeveloperRequestsAKeyAnApproverApprovesItAndItWorksUntilRevoked()
    {
        var images = ScreenshotFolder();
        await using var session = await BrowserSession.StartAsync();

        // The approver is the first admin; the developer and a service token come from the operator's command line.
        var admin = session.Page;
        await CreateFirstAdminAsync(admin, session.SetupLink);
        await session.CreateUserAsync("dev@example.com", "Developer");
        using var service = await session.ServiceClientAsync("keys:verify", "e2e-verifier");
        var dev = await session.NewPageAsync("developer");
        await dev.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = session.Server.BaseUrl });

        try
        {
            await SignInAsync(dev, "dev@example.com");
            await Expect(dev.GetByTestId("live-indicator")).ToHaveTextAsync("Live");

            // The developer asks for a production key; the form says before submitting that an approver decides.
            await dev.GetByTestId("nav").GetByText("Request a key").ClickAsync();
            await Expect(dev.GetByRole(AriaRole.Heading, new() { Name = "Request a key", Level = 1 })).ToBeVisibleAsync();
            await dev.GetByLabel("Service name").FillAsync("billing-api");
            await dev.GetByTestId("request-environment").GetByText("Production").ClickAsync();
            await dev.GetByRole(AriaRole.Checkbox, new() { Name = "keys:verify" }).CheckAsync(new() { Force = true });
            await dev.GetByLabel("Rate limit per minute (optional)").FillAsync("600");
            await dev.GetByLabel("IP allow-list (optional)").FillAsync("127.0.0.1\n10.20.0.0/16");
            await dev.GetByLabel("Reason").FillAsync("billing-api verifies the keys of partner services calling it");
            await Expect(dev.GetByTestId("verdict")).ToContainTextAsync("Goes to an approver");
            await Expect(dev.GetByTestId("verdict")).ToContainTextAsync("Every production request needs an approver");
            await dev.Mouse.MoveAsync(0, 0);
            await dev.EvaluateAsync("() => document.activeElement?.blur()");
            // The app bar is fixed: a full-page capture would paint it mid-form. A tall window shows the whole form instead.
            await dev.SetViewportSizeAsync(1440, 1560);
            await dev.ScreenshotAsync(new() { Path = Path.Combine(images, "key-request.png") });
            await dev.SetViewportSizeAsync(1440, 900);
            await dev.GetByTestId("request-submit").ClickAsync();
            await Expect(dev.GetByTestId("request-pending")).ToContainTextAsync("Sent to the approvers");

            // The approver hears of it live, opens the queue and approves with a comment.
            var waiting = admin.Locator(".mud-snackbar").Filter(new() { HasText = "A key request waits for approval" });
            await Expect(waiting).ToContainTextAsync("billing-api (production)");
            await waiting.GetByRole(AriaRole.Button, new() { Name = "Review" }).ClickAsync();
            await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Key approvals", Level = 1 })).ToBeVisibleAsync();
            var item = admin.GetByTestId("queue-item").Filter(new() { HasText = "billing-api" });
            await Expect(item).ToContainTextAsync("dev@example.com");
            await item.GetByTestId("approve").ClickAsync();
            var decision = admin.GetByRole(AriaRole.Dialog);
            await decision.GetByLabel("Comment (optional)").FillAsync("Scopes match the reason.");
            await decision.GetByTestId("decision-submit").ClickAsync();
            await Expect(admin.GetByTestId("empty-state")).ToContainTextAsync("Nothing waits for a decision");

            // The developer is told live and picks the secret up, once, through the copy dialog.
            var approved = dev.Locator(".mud-snackbar").Filter(new() { HasText = "Your key for billing-api was approved" });
            await approved.GetByRole(AriaRole.Button, new() { Name = "Pick up" }).ClickAsync();
            await dev.WaitForURLAsync(new Regex("/keys/[0-9a-f-]{36}$"), new() { WaitUntil = WaitUntilState.Commit });
            var keyUrl = dev.Url;
            var keyId = keyUrl[^36..];
            await dev.GetByTestId("pickup-banner").GetByTestId("pickup").ClickAsync();
            var pickup = dev.GetByRole(AriaRole.Dialog);
            await Expect(pickup.GetByTestId("pickup-warning")).ToContainTextAsync("This is the only time the secret is shown");
            var secret = (await pickup.GetByTestId("secret").InnerTextAsync()).Trim();
            Assert.Matches("^sc_", secret);
            await pickup.GetByTestId("copy-secret").ClickAsync();
            await Expect(pickup.GetByTestId("copied")).ToBeVisibleAsync();
            Assert.Equal(secret, await dev.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
            await dev.Mouse.MoveAsync(0, 0);
            // The screenshot must not carry a working secret into the docs: its characters are blotted out first.
            await pickup.GetByTestId("secret").EvaluateAsync("(el, s) => el.textContent = s.slice(0, 8) + '•'.repeat(s.length - 8)", secret);
            await dev.ScreenshotAsync(new() { Path = Path.Combine(images, "key-pickup.png") });
            var displayKey = (await pickup.GetByTestId("pickup-display-key").InnerTextAsync()).Trim();
            await pickup.GetByTestId("pickup-done").ClickAsync();
            await Expect(pickup).ToBeHiddenAsync();

            // Never shown again: not on the page, not after a reload, not from the API.
            await Expect(dev.GetByTestId("pickup-banner")).ToHaveCountAsync(0);
            await Expect(dev.GetByTestId("key-facts").GetByTestId("display-key")).ToHaveTextAsync(displayKey);
            Assert.DoesNotContain(secret, await dev.ContentAsync());
            await dev.ReloadAsync();
            await Expect(dev.GetByTestId("key-facts").GetByTestId("display-key")).ToHaveTextAsync(displayKey);
            Assert.DoesNotContain(secret, await dev.ContentAsync());
            var again = await dev.Context.APIRequest.PostAsync($"/api/v1/keys/{keyId}/pickup", new() { Headers = CsrfHeader });
            Assert.Equal(410, again.Status);

            // A service verifies the key through the API, as every service will.
            var valid = await VerifyAsync(service, secret);
            Assert.True(valid.GetProperty("valid").GetBoolean(), valid.ToString());
            Assert.Equal("billing-api", valid.GetProperty("service").GetString());

            // Rotation with an hour's grace: the old key keeps working, a successor waits for pick-up.
            await dev.GetByTestId("rotate").ClickAsync();
            var rotate = dev.GetByRole(AriaRole.Dialog);
            await Expect(rotate.GetByLabel("Grace period (hours)")).ToHaveValueAsync("24");
            await rotate.GetByLabel("Grace period (hours)").FillAsync("1");
            await rotate.GetByTestId("rotate-submit").ClickAsync();
            await Expect(dev.GetByTestId("successor-banner")).ToContainTextAsync("keeps working until");
            await Expect(dev.GetByTestId("key-facts").GetByTestId("key-status")).ToContainTextAsync("Pending rotation");
            Assert.True((await VerifyAsync(service, secret)).GetProperty("valid").GetBoolean());

            // Revocation ends it at once.
            await dev.GetByTestId("revoke").ClickAsync();
            var revoke = dev.GetByRole(AriaRole.Dialog);
            await revoke.GetByLabel("Reason").FillAsync("Replaced by the rotated key; ending the grace early");
            await revoke.GetByRole(AriaRole.Checkbox).CheckAsync(new() { Force = true });
            await revoke.GetByTestId("revoke-submit").ClickAsync();
            await Expect(dev.GetByTestId("revoked-banner")).ToContainTextAsync("ending the grace early");
            var revoked = await VerifyAsync(service, secret);
            Assert.False(revoked.GetProperty("valid").GetBoolean());
            Assert.Equal("revoked", revoked.GetProperty("reason").GetString());

            // The successor waits in the developer's list; the history shows it all to the admin.
            await dev.GetByTestId("nav").GetByText("My keys").ClickAsync();
            await Expect(dev.GetByTestId("keys-table").GetByTestId("pickup")).ToHaveCountAsync(1);
            await Expect(dev.GetByTestId("requests-table")).ToContainTextAsync("Scopes match the reason.");
            await dev.Mouse.MoveAsync(0, 0);
            await dev.ScreenshotAsync(new() { Path = Path.Combine(images, "key-mine.png") });
            await admin.GotoAsync(keyUrl);
            await Expect(admin.GetByTestId("history-table")).ToContainTextAsync("key.revoked");
            await Expect(admin.GetByTestId("history-table")).ToContainTextAsync("key.picked_up");

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence(dev))
        {
            throw;
        }
    }

    [Fact]
    public async Task TheKeyScreensShowAConsoleFullOfKeys()
    {
        var images = ScreenshotFolder();
        await using var session = await BrowserSession.StartAsync("--demo");
        var page = session.Page;

        try
        {
            await CreateFirstAdminAsync(page, session.SetupLink);

            // The dashboard's key cards lead to the lists behind them.
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Keys overdue for rotation: see the overdue keys" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Keys overdue for rotation: see the overdue keys" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "All keys", Level = 1 })).ToBeVisibleAsync();
            // The demo has two: one never rotated, one rotated whose successor still waits (the old key is live until its grace ends).
            await Expect(page.GetByTestId("keys-table").GetByTestId("overdue")).ToHaveCountAsync(2);
            await Expect(page.GetByTestId("keys-table")).ToContainTextAsync("billing-worker");
            await Expect(page.GetByTestId("keys-table")).ToContainTextAsync("mobile-gateway");

            await page.GetByTestId("filter-clear").ClickAsync();
            var table = page.GetByTestId("keys-table");
            foreach (var status in (string[])["Active", "Expiring", "Pending rotation", "Disabled", "Revoked", "Expired"])
            {
                await Expect(table.GetByTestId("key-status").GetByText(status, new() { Exact = true }).First).ToBeVisibleAsync();
            }
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "keys.png") });

            // A busy key: facts, a usage chart over the chosen period, and its history from the audit trail.
            await table.GetByTestId("key-link").GetByText("payments-api", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "payments-api", Level = 1 })).ToBeVisibleAsync();
            var usage = page.GetByTestId("key-usage");
            await Expect(usage.Locator(".apexcharts-canvas").First).ToBeVisibleAsync();
            await usage.GetByTestId("usage-range").GetByText("7 days", new() { Exact = true }).ClickAsync();
            await Expect(usage.GetByTestId("usage-summary")).ToContainTextAsync("in the last 7 days");
            await Expect(page.GetByTestId("history-table")).ToContainTextAsync("key.issued");
            await page.Mouse.MoveAsync(0, 0);
            await page.WaitForTimeoutAsync(500);
            await page.SetViewportSizeAsync(1440, 1200);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "key-detail.png") });
            await page.SetViewportSizeAsync(1440, 900);

            await page.GetByTestId("nav").GetByText("Approvals").ClickAsync();
            await Expect(page.GetByTestId("queue-item")).ToContainTextAsync("ledger-sync");
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "key-approvals.png") });

            await page.GetByTestId("nav").GetByText("Policy", new() { Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("meaning-production")).ToContainTextAsync("Every request waits for an approver");
            await page.SetViewportSizeAsync(1440, 1300);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "key-policy.png") });

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }

    private static readonly Dictionary<string, string> CsrfHeader = new() { ["X-Console-Request"] = "1" };

    private static async Task<JsonElement> VerifyAsync(HttpClient service, string key)
    {
        using var response = await service.PostAsJsonAsync("/api/v1/keys/verify", new { key, clientIp = "127.0.0.1" });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
