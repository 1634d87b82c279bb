using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static SecurityConsole.E2E.Tests.E2EBrowser;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// Passkeys in a real browser: Chromium's virtual WebAuthn authenticator (over CDP) stands in for
/// the person's security key or phone: register one, sign out, sign in with it and nothing else.
/// </summary>
public sealed class PasskeyTests
{
    [Fact]
    public async Task AnAdminRegistersAPasskeyAndSignsInWithItAlone()
    {
        SkipWithoutChromium();
        await using var server = await E2EConsole.StartAsync();
        var setupLink = await server.SetupLinkAsync();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = server.BaseUrl });
        WaitGenerously(context);
        var page = await context.NewPageAsync();
        await AddAuthenticatorAsync(context, page);

        await page.GotoAsync(setupLink);
        await page.GetByLabel("Email").FillAsync("keyholder@example.com");
        await page.GetByLabel("Password (at least 12 characters)").FillAsync("Correct-Horse-Battery-9");
        await page.GetByLabel("Confirm password").FillAsync("Correct-Horse-Battery-9");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create admin and sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();

        await page.GotoAsync("/Account/Manage/Passkeys");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new passkey" }).ClickAsync();
        try
        {
            // Registered, the console asks for a name; refused, it stays on Passkeys with a message (the assertion shows it).
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("Account/Manage/RenamePasskey/"), new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
        }
        Assert.True(page.Url.Contains("RenamePasskey"), $"passkey not added: {page.Url}\n{await page.Locator("body").InnerTextAsync()}");

        await page.GotoAsync("/Account/Manage/Passkeys");
        await Expect(page.GetByText("No passkeys are registered.")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rename" })).ToHaveCountAsync(1);

        // Signed out (no cookies at all), the passkey alone signs the admin in: no password typed.
        await context.ClearCookiesAsync();
        Assert.Equal(401, (await page.APIRequest.GetAsync("/api/v1/me")).Status);
        // As in a browser without passkey autofill (which would sign in on page load): the person presses the button.
        await context.AddInitScriptAsync("if (window.PublicKeyCredential) { PublicKeyCredential.isConditionalMediationAvailable = async () => false; }");
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync("keyholder@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new() { WaitUntil = WaitUntilState.Commit });
        var me = await page.APIRequest.GetAsync("/api/v1/me");
        Assert.Equal(200, me.Status);
        Assert.Contains("keyholder@example.com", await me.TextAsync());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
    }
    /// <summary>
    /// Issue 14: opened by its IP address, the sign-in page threw the browser's passkey error ("This is an invalid
    /// domain") into the console on load. WebAuthn takes no address as a domain, so there the page does not try passkey
    /// autofill, and the passkey button says in words why it cannot work.
    /// </summary>
    [Fact]
    public async Task OpenedByItsAddressTheSignInPageRaisesNoPasskeyErrorAndThePasskeyButtonSaysWhy()
    {
        SkipWithoutChromium();
        await using var server = await E2EConsole.StartAsync();
        var byAddress = new UriBuilder(server.BaseUrl) { Host = "127.0.0.1" }.Uri.ToString().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        await using var context = await browser.NewContextAsync(new() { BaseURL = byAddress });
        WaitGenerously(context);
        var page = await context.NewPageAsync();
        // An authenticator present, so that the browser offers passkey autofill as a person's would.
        await AddAuthenticatorAsync(context, page);
        var problems = new List<string>();
        Watch(page, "sign-in by address", problems);

        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync("someone@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(page.GetByText("Passkeys work only when the console is opened by its name")).ToBeVisibleAsync();

        Assert.StartsWith("http://127.0.0.1:", page.Url);
        Assert.Empty(problems);
    }
    /// <summary>Chromium's virtual WebAuthn authenticator (over CDP), present and verifying, as a person's security key or phone.</summary>
    private static async Task AddAuthenticatorAsync(IBrowserContext context, IPage page)
    {
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
    }
}
