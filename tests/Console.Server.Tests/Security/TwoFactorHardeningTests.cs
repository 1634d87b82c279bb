using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Authenticator codes are one-time: a code seen once (over a shoulder, by a phishing proxy) does not sign in again.
/// Turning two-factor on works however long the person takes to type the code.
/// </summary>
// One console per class (IClockedConsole): each test makes its own users and clients and moves the clock only forward.
public abstract partial class TwoFactorHardeningTests(IClockedConsole console)
{
    private readonly FakeTimeProvider _clock = console.Clock;

    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnAuthenticatorCodeThatSignedInOnceIsRefusedTheSecondTimeWithinItsStep()
    {
        var email = $"replay-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(email, Roles.SecurityAnalyst);
        var key = await TurnOnTwoFactorAsync(email);
        var code = Totp.Code(key, _clock.GetUtcNow());

        var first = Factory.CreateBrowserClient();
        var signedIn = await SecondFactorAsync(first, email, code);
        await signedIn.AssertStatusAsync(HttpStatusCode.Redirect);
        Assert.Equal(email, (await first.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!.Email);

        // The same code, ten seconds later, from someone who watched it being typed.
        _clock.Advance(TimeSpan.FromSeconds(10));
        var thief = Factory.CreateBrowserClient();
        var replayed = await SecondFactorAsync(thief, email, code);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Contains("Invalid authenticator code", await replayed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync("/api/v1/me", Ct)).StatusCode);

        // The next step's code works.
        _clock.Advance(TimeSpan.FromSeconds(30));
        var next = await SecondFactorAsync(Factory.CreateBrowserClient(), email, Totp.Code(key, _clock.GetUtcNow()));
        await next.AssertStatusAsync(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task AnEarlierStepsCodeIsRefusedOnceALaterOneWasUsed()
    {
        var email = $"older-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(email, Roles.SecurityAnalyst);
        var key = await TurnOnTwoFactorAsync(email);
        var earlier = Totp.Code(key, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(30));
        await (await SecondFactorAsync(Factory.CreateBrowserClient(), email, Totp.Code(key, _clock.GetUtcNow())))
            .AssertStatusAsync(HttpStatusCode.Redirect);

        var late = await SecondFactorAsync(Factory.CreateBrowserClient(), email, earlier);
        Assert.Contains("Invalid authenticator code", await late.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TurningTwoFactorOnSucceedsWhenTheCodeIsEnteredMinutesAfterThePageOpened()
    {
        var client = await Factory.SignedInClientAsync(Roles.Admin);
        var page = await client.GetStringAsync("/Account/Manage/EnableAuthenticator", Ct);
        var key = Totp.Key(SharedKey().Match(page).Groups[1].Value);
        var antiforgery = await ConsoleClients.AntiforgeryTokenAsync(client, "/Account/Manage/EnableAuthenticator");

        // Finding the phone, installing the app, scanning: five minutes, more than the one-minute session re-check.
        _clock.Advance(TimeSpan.FromMinutes(5));
        var response = await client.PostAsync("/Account/Manage/EnableAuthenticator", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["_handler"] = "send-code",
            ["Input.Code"] = Totp.Code(key, _clock.GetUtcNow()),
        }), Ct);

        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains("recovery codes", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        // Still signed in a while later: turning two-factor on does not end the session that did it.
        _clock.Advance(TimeSpan.FromMinutes(5));
        await (await client.GetAsync("/api/v1/me", Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var me = (await client.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!;
        Assert.True(await users.GetTwoFactorEnabledAsync((await users.FindByIdAsync(me.Id))!));
    }

    private async Task<byte[]> TurnOnTwoFactorAsync(string email)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return Totp.Key((await users.GetAuthenticatorKeyAsync(user))!);
    }

    /// <summary>Password, then the authenticator code on the second page.</summary>
    private static async Task<HttpResponseMessage> SecondFactorAsync(BrowserClient client, string email, string code)
    {
        var password = await client.SignInAsync(email, ConsoleClients.Password);
        await password.AssertStatusAsync(HttpStatusCode.Redirect);
        var location = password.Headers.Location!;
        var path = location.IsAbsoluteUri ? location.PathAndQuery : location.ToString();
        Assert.Contains("LoginWith2fa", path);
        path = path.StartsWith('/') ? path : "/" + path;
        var token = await ConsoleClients.AntiforgeryTokenAsync(client, path);
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login-with-2fa",
            ["Input.TwoFactorCode"] = code,
        }), Ct);
    }

    [GeneratedRegex("<kbd>([a-z2-7 ]+)</kbd>")]
    private static partial Regex SharedKey();
}

public sealed class SqliteTwoFactorHardeningTests(SqliteClockedConsole console) : TwoFactorHardeningTests(console), IClassFixture<SqliteClockedConsole>;

public sealed class PostgresTwoFactorHardeningTests(PostgresClockedConsole console) : TwoFactorHardeningTests(console), IClassFixture<PostgresClockedConsole>;
