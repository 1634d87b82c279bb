using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// An auditor watches a compliance control; an admin locks the owner of a live key in another browser; the auditor's
/// control turns red with no reload. Then the compliance screens on the demo history, for the README.
/// </summary>
public sealed class ComplianceLiveTests
{
    [Fact]
    public async Task AnAdminBreakingAControlInOnePageTurnsItRedLiveOnAnAuditorsPage()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        await CreateFirstAdminAsync(admin, session.SetupLink);
        await session.CreateUserAsync("dev@example.com", "Developer");
        await session.CreateUserAsync("auditor@example.com", "Auditor");
        // A live key owned by the developer: the orphaned-keys control passes while its owner can sign in.
        var token = await session.Server.RunAsync(["admin", "create-token", "--email", "dev@example.com", "--scopes", "keys:verify", "--name", "e2e-orphan"]);
        Assert.True(token.ExitCode == 0, token.Stderr);
        var auditor = await session.NewPageAsync("auditor");

        try
        {
            await SignInAsync(auditor, "auditor@example.com");
            await auditor.GotoAsync("/compliance/controls/orphaned-keys");
            var status = auditor.GetByTestId("control").GetByTestId("status-chip").First;
            await Expect(status).ToHaveAttributeAsync("data-status", "pass");

            // The admin locks the key's owner on the Users page.
            await admin.GotoAsync("/admin/users");
            await admin.GetByRole(AriaRole.Button, new() { Name = "Lock dev@example.com" }).ClickAsync();
            await admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();
            await Expect(admin.GetByText("dev@example.com is locked.")).ToBeVisibleAsync();

            // Pushed over the hub: the auditor's page is not reloaded and has no timer.
            await Expect(status).ToHaveAttributeAsync("data-status", "fail");
            await Expect(auditor.Locator("[data-testid=row][data-status=fail]").First).ToContainTextAsync("dev@example.com");
            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence(auditor))
        {
            throw;
        }
    }

    [Fact]
    public async Task TheComplianceScreensShowTheDemoHistory()
    {
        var images = ScreenshotFolder();
        await using var session = await BrowserSession.StartAsync("--demo");
        var page = session.Page;

        try
        {
            await CreateFirstAdminAsync(page, session.SetupLink);
            await page.GotoAsync("/compliance");
            await Expect(page.GetByTestId("framework-card").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("heat-cell").First).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(0, 0);
            await page.SetViewportSizeAsync(1440, 1600);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "compliance.png") });
            await page.SetViewportSizeAsync(1440, 900);

            await page.GotoAsync("/compliance/pci-dss");
            await Expect(page.GetByTestId("requirement-row").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "compliance-framework.png") });

            await page.GotoAsync("/compliance/controls/two-factor-privileged");
            await Expect(page.GetByTestId("effectiveness-summary")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("records")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "compliance-control.png") });

            await page.GotoAsync("/compliance/access-reviews");
            await page.GetByTestId("start").ClickAsync();
            await Expect(page.GetByTestId("item").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "access-review.png") });

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }
}
