using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// An auditor and an admin have Compliance open; the admin locks the owner of a live key in another tab; the control
/// turns red on both pages with no reload. Then the compliance screens on the demo history, for the README.
/// </summary>
public sealed class ComplianceLiveTests
{
    [Fact]
    public async Task AnAdminBreakingAControlTurnsItRedLiveOnTwoOpenCompliancePages()
    {
        await using var session = await BrowserSession.StartAsync();
        var admin = session.Page;
        await CreateFirstAdminAsync(admin, session.SetupLink);
        await session.CreateUserAsync("dev@example.com", "Developer");
        await session.CreateUserAsync("auditor@example.com", "Auditor");
        // A live key owned by the developer: the orphaned-keys control does not fail while its owner can sign in.
        var token = await session.Server.RunAsync(["admin", "create-token", "--email", "dev@example.com", "--scopes", "keys:verify", "--name", "e2e-orphan"]);
        Assert.True(token.ExitCode == 0, token.Stderr);
        var auditor = await session.NewPageAsync("auditor");
        // The admin's second tab (the same person, the same cookies), where the change is made.
        var adminTab = await admin.Context.NewPageAsync();
        Watch(adminTab, "admin's second tab", session.Problems);

        try
        {
            // Two pages with Compliance open: the auditor on the control, the admin on a requirement it serves (PCI DSS 8.2.6).
            await SignInAsync(auditor, "auditor@example.com");
            await auditor.GotoAsync("/compliance/controls/orphaned-keys");
            await admin.GotoAsync("/compliance/pci-dss");
            await admin.Locator("[data-testid=requirement-row][data-requirement='8.2.6'] a").ClickAsync();
            var onAuditorsPage = OrphanedKeysStatus(auditor);
            var onAdminsPage = OrphanedKeysStatus(admin);
            // Not failing yet: passing, or not applicable if the console has not re-read keys since the command line made
            // this one in another process (in-process commits are what trigger an evaluation).
            var notFailing = new Regex("^(pass|not_applicable)$");
            await Expect(onAuditorsPage).ToHaveAttributeAsync("data-status", notFailing);
            await Expect(onAdminsPage).ToHaveAttributeAsync("data-status", notFailing);
            // Marks both documents: a reload would lose the marks.
            foreach (var page in new[] { auditor, admin })
            {
                await page.EvaluateAsync("() => { window.complianceE2eMark = true; }");
            }

            // The admin locks the key's owner on the Users page, in the other tab.
            await adminTab.GotoAsync("/admin/users");
            await adminTab.GetByRole(AriaRole.Button, new() { Name = "Lock dev@example.com" }).ClickAsync();
            await adminTab.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Lock", Exact = true }).ClickAsync();
            await Expect(adminTab.GetByText("dev@example.com is locked.")).ToBeVisibleAsync();

            // Pushed over the hub to both pages: red, with the failing row naming the key's locked owner, and no reload.
            await Expect(onAuditorsPage).ToHaveAttributeAsync("data-status", "fail");
            await Expect(onAdminsPage).ToHaveAttributeAsync("data-status", "fail");
            await Expect(auditor.Locator("[data-testid=row][data-status=fail]").First).ToContainTextAsync("dev@example.com");
            await Expect(admin.Locator("[data-testid=control][data-control=orphaned-keys] [data-testid=row][data-status=fail]").First)
                .ToContainTextAsync("dev@example.com");
            foreach (var page in new[] { auditor, admin })
            {
                Assert.True(await page.EvaluateAsync<bool>("() => window.complianceE2eMark === true"), $"{page.Url} was reloaded");
            }
            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence(auditor) | session.WriteFailureEvidence(admin, "AnAdminBreakingAControl-admin"))
        {
            throw;
        }
    }

    private static ILocator OrphanedKeysStatus(IPage page) =>
        page.Locator("[data-testid=control][data-control=orphaned-keys] [data-testid=status-chip]").First;

    [Fact]
    public async Task TheComplianceScreensShowTheDemoHistory()
    {
        var images = ScreenshotFolder();
        await using var session = await BrowserSession.StartAsync("--demo");
        var page = session.Page;

        try
        {
            await CreateFirstAdminAsync(page, session.SetupLink);

            // The overview: per framework the two numbers, counts, the trend (drawn) and the heat-map with its day axis.
            await page.GotoAsync("/compliance");
            await Expect(page.GetByTestId("framework-card").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("heat-cell").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("heatmap-legend").First).ToContainTextAsync("One column per day");
            // Each heat-map row names its family by id and title.
            await Expect(page.Locator("[data-testid=framework-card][data-framework=pci-dss] [data-testid=heat-family]").First)
                .ToContainTextAsync("7 Restrict access by business need to know");
            await Expect(page.GetByTestId("framework-card").First.Locator(".apexcharts-canvas").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("failing-item").First).ToBeVisibleAsync();
            await page.Mouse.MoveAsync(0, 0);
            await page.SetViewportSizeAsync(1440, 1600);
            // Every family's id and title is whole at this width, none cut (beside the days they were cut with an ellipsis).
            var cutLabels = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('[data-testid=heat-family]')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.title)");
            Assert.Empty(cutLabels);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "compliance.png") });
            await page.SetViewportSizeAsync(1440, 900);

            // A framework's requirement tree, reached by its link.
            await page.Locator("[data-testid=framework-card][data-framework=pci-dss] [data-testid=framework-link]").ClickAsync();
            await Expect(page.GetByTestId("requirement-row").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "compliance-framework.png") });

            // A failing control: its failing rows name the account and say why; its effectiveness over 90 days.
            await page.GotoAsync("/compliance/controls/two-factor-privileged");
            await Expect(page.GetByTestId("effectiveness-summary")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("records")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=row][data-status=fail]").First).ToContainTextAsync("admin@example.com");
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "compliance-control.png") });

            // An access review under way: the demo's finished Q3 review is listed; a new one lists people and keys to decide.
            await page.GotoAsync("/compliance/access-reviews");
            await Expect(page.GetByTestId("review-link").First).ToContainTextAsync("Q3 access review");
            // Who started it reads as the person (the admin reads e-mails in clear), not as a user id.
            await Expect(page.GetByTestId("started-by").First).ToContainTextAsync("by ada.auditor@demo.example");
            await page.GetByTestId("start").ClickAsync();
            await Expect(page.GetByTestId("item").First).ToBeVisibleAsync();
            await page.GetByLabel("Reason for a revoke").FillAsync("Left the payments team in November.");
            // The field binds on change: leave it, so that the revoke buttons see the reason.
            await page.GetByLabel("Reason for a revoke").PressAsync("Tab");
            await page.Locator("[data-testid=item]").Filter(new() { HasText = "dev.search@demo.example" }).GetByTestId("revoke").ClickAsync();
            await Expect(page.Locator("[data-testid=item][data-decision=revoke]").First).ToBeVisibleAsync();
            await page.Locator("[data-testid=item]").Filter(new() { HasText = "ana.analyst@demo.example" }).GetByTestId("confirm").ClickAsync();
            await Expect(page.Locator("[data-testid=item][data-decision=confirm]").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("decided-by").First).ToContainTextAsync("@");
            await page.Mouse.MoveAsync(0, 0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(images, "access-review.png") });

            Assert.Empty(session.Problems);
        }
        catch (Exception) when (session.WriteFailureEvidence())
        {
            throw;
        }
    }
}
