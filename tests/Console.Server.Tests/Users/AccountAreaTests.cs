using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Users;

/// <summary>
/// The account area is part of the console (issue 14, "The account area"): its frame and words, two-factor with a QR
/// code drawn here, recovery codes to keep, a second sign-in step that says "Sign in", and signing out everywhere else.
/// </summary>
// One console per class (IClockedConsole): each test makes its own users and clients and moves the clock only forward.
public abstract partial class AccountAreaTests(IClockedConsole console)
{
    private readonly FakeTimeProvider _clock = console.Clock;

    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task TheProfileIsInTheConsolesFrameWithRolesInWordsAndNoPhoneNumber()
    {
        var client = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);

        var page = await client.GetStringAsync("/Account/Manage", Ct);

        Assert.Contains("data-testid=\"nav\"", page);            // the console's own menu
        Assert.Contains("data-testid=\"account-nav\"", page);
        Assert.Contains("Security analyst", page);
        Assert.DoesNotContain("Phone", page, StringComparison.OrdinalIgnoreCase);
        // Profile is the current item of the account menu, and no console section is.
        Assert.Matches(ActiveLink("Profile"), page);
        Assert.DoesNotMatch(ActiveLink("Dashboard"), page);
    }

    [Fact]
    public async Task EnablingTwoFactorShowsAQrCodeDrawnByTheConsoleAndTheKeyToType()
    {
        var client = await Factory.SignedInClientAsync(Roles.Developer);

        // Attribute values are HTML-encoded ('+' of base64 as &#x2B;); the browser reads them decoded.
        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage/EnableAuthenticator", Ct));

        var qr = QrImage().Match(page);
        Assert.True(qr.Success, "no QR code image");
        var png = Convert.FromBase64String(qr.Groups[1].Value);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Matches(SharedKey(), page);
        Assert.DoesNotContain("go.microsoft.com", page);
        Assert.DoesNotContain("enable QR code generation", page);
        // A page of the two-factor section marks that section as current.
        Assert.Matches(ActiveLink("Two-factor authentication"), page);
    }

    [Fact]
    public async Task TurningTwoFactorOnGivesRecoveryCodesToCopyAndDownload()
    {
        var client = await Factory.SignedInClientAsync(Roles.Developer);
        var page = await client.GetStringAsync("/Account/Manage/EnableAuthenticator", Ct);
        var key = Totp.Key(SharedKey().Match(page).Groups[1].Value);
        var antiforgery = await ConsoleClients.AntiforgeryTokenAsync(client, "/Account/Manage/EnableAuthenticator");

        var response = await client.PostAsync("/Account/Manage/EnableAuthenticator", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "send-code",
            ["Input.Code"] = Totp.Code(key, _clock.GetUtcNow()),
        }), Ct);

        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(Ct));
        var shown = RecoveryCode().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, shown.Count);
        var download = Download().Match(html);
        Assert.True(download.Success, "no download link");
        var file = Encoding.UTF8.GetString(Convert.FromBase64String(download.Groups[1].Value));
        Assert.All(shown, code => Assert.Contains(code, file));
        Assert.Contains("data-copy=", html);
    }

    [Fact]
    public async Task TheSecondSignInStepIsStyledAndSaysSignIn()
    {
        var email = $"second-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(email, Roles.Developer);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        var client = Factory.CreateBrowserClient();
        var password = await client.SignInAsync(email, ConsoleClients.Password);
        var location = password.Headers.Location!.ToString();
        Assert.Contains("LoginWith2fa", location);

        var page = await client.GetStringAsync(location.StartsWith('/') ? location : "/" + location.Split("://")[^1].Split('/', 2)[1], Ct);

        Assert.Contains("account-card", page);                    // the sign-in card, as the first step
        Assert.Matches(SubmitButton("Sign in"), page);
        Assert.DoesNotContain("Log in", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AFailedSignInSaysWhatWentWrongWithoutTheWordError()
    {
        var client = Factory.CreateBrowserClient();

        var response = await client.SignInAsync($"nobody-{Guid.NewGuid():N}@example.test", "wrong password here");

        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("do not match an account", page);
        Assert.DoesNotContain("Error:", page);
        Assert.Contains("mud-alert-text-error", page);
    }

    [Fact]
    public async Task SigningOutEverywhereElseEndsTheOtherSessionsKeepsThisOneAndIsAudited()
    {
        var email = $"everywhere-{Guid.NewGuid():N}@example.test";
        var laptop = await Factory.SignedInClientAsync(Roles.Developer, email);
        var phone = Factory.CreateBrowserClient();
        await (await phone.SignInAsync(email, ConsoleClients.Password)).AssertStatusAsync(HttpStatusCode.Redirect);
        var antiforgery = await ConsoleClients.AntiforgeryTokenAsync(laptop, "/Account/Manage/Sessions");

        var response = await laptop.PostAsync("/Account/Manage/Sessions", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "sign-out-everywhere",
        }), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Redirect);

        // The other session is refused at its next check of the security stamp (each minute); this one goes on.
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/v1/me", Ct)).StatusCode);
        await (await laptop.GetAsync("/api/v1/me", Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var id = (await scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>().FindByEmailAsync(email))!.Id;
        Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == "signout.everywhere" && e.TargetId == id, Ct));
    }

    private static Regex ActiveLink(string text) =>
        new($"<a[^>]*class=\"[^\"]*\\bactive\\b[^\"]*\"[^>]*>(?:(?!</a>).)*{Regex.Escape(text)}", RegexOptions.Singleline);

    private static Regex SubmitButton(string text) =>
        new($"<button[^>]*type=\"submit\"[^>]*>(?:(?!</button>).)*{Regex.Escape(text)}", RegexOptions.Singleline);

    [GeneratedRegex("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"[^>]*data-testid=\"qr-code\"")]
    private static partial Regex QrImage();

    [GeneratedRegex("<kbd>([a-z2-7 ]+)</kbd>")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<code class=\"recovery-code\">([^<]+)</code>")]
    private static partial Regex RecoveryCode();

    [GeneratedRegex("href=\"data:text/plain;charset=utf-8;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex Download();
}

public sealed class SqliteAccountAreaTests(SqliteClockedConsole console) : AccountAreaTests(console), IClassFixture<SqliteClockedConsole>;

public sealed class PostgresAccountAreaTests(PostgresClockedConsole console) : AccountAreaTests(console), IClassFixture<PostgresClockedConsole>;
