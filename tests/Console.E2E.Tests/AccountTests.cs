using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SecurityConsole.Server.Tests.Security;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// The account area in a real browser (issue 14): the person turns two-factor on by reading the key beside the QR code
/// into an "authenticator app" (this test computes the code), keeps the recovery codes by downloading them, then signs in
/// with both factors. Screenshots of each step go to artifacts/screenshots (or CONSOLE_E2E_SCREENSHOTS).
/// </summary>
public sealed class AccountTests
{
    [Fact]
    public async Task APersonTurnsOnTwoFactorWithTheQrCodesKeyKeepsTheRecoveryCodesAndSignsInWithACode()
    {
        await using var session = await BrowserSession.StartAsync();
        var (server, setupLink, page) = (session.Server, session.SetupLink, session.Page);
        var context = page.Context;
        var problems = session.Problems;
        var shots = ScreenshotFolder();
        try
        {
            await CreateFirstAdminAsync(page, setupLink);

            await page.GotoAsync("/Account/Manage");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByTestId("nav")).ToBeVisibleAsync();
            await Expect(page.GetByText("Phone number")).ToHaveCountAsync(0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "account-profile.png") });

            await page.GetByTestId("account-nav").GetByRole(AriaRole.Link, new() { Name = "Two-factor authentication" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = "Add authenticator app" }).ClickAsync();
            var qr = page.GetByTestId("qr-code");
            await Expect(qr).ToBeVisibleAsync();
            Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 100, "the QR code did not draw");
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "account-two-factor.png") });

            var key = Totp.Key((await page.GetByTestId("shared-key").InnerTextAsync()).Trim());
            await page.GetByLabel("Code from the app").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
            await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor" }).ClickAsync();

            var codes = page.GetByTestId("recovery-codes").Locator("li");
            await Expect(codes).ToHaveCountAsync(10);
            await Expect(page.GetByTestId("copy-recovery-codes")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "account-recovery-codes.png") });
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-recovery-codes").ClickAsync());
            Assert.Equal("security-console-recovery-codes.txt", download.SuggestedFilename);
            var saved = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
            foreach (var code in await codes.AllInnerTextsAsync())
            {
                Assert.Contains(code.Trim(), saved);
            }

            // Signed out, the password leads to the second step, which reads like the first and takes the app's code.
            await context.ClearCookiesAsync();
            await page.GotoAsync("/Account/Login");
            await page.GetByLabel("Email").FillAsync("admin@example.com");
            await page.GetByLabel("Password").FillAsync(Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(new Regex("LoginWith2fa"), new() { WaitUntil = WaitUntilState.Commit });
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
            await Expect(page.GetByText("Log in", new() { Exact = false })).ToHaveCountAsync(0);
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "signin-second-step.png") });
            // The next time step's code: the one used to turn two-factor on is spent (codes work once).
            await page.GetByLabel("Code from your authenticator app").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30)));
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();

            Assert.Empty(problems);
        }
        catch (Exception) when (WriteFailureEvidence(page, problems, server))
        {
        }
    }
}
