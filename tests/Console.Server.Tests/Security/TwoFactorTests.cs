using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>Two-factor sign-in with an authenticator app (TOTP, RFC 6238), through the real sign-in pages.</summary>
public sealed class TwoFactorTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task WithTwoFactorOnThePasswordAloneDoesNotSignInAndTheAuthenticatorCodeDoes()
    {
        var email = $"totp-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(email, Roles.SecurityAnalyst);
        var secret = await EnableAuthenticatorAsync(email);

        var client = Factory.CreateBrowserClient();
        var password = await client.SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.Contains("Account/LoginWith2fa", password.Headers.Location!.ToString());
        // Half signed in is not signed in.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);

        var wrong = await PostCodeAsync(client, password.Headers.Location!.ToString(), "000000" == Totp(secret) ? "111111" : "000000");
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        Assert.Contains("Invalid authenticator code", await wrong.Content.ReadAsStringAsync(Ct));

        var right = await PostCodeAsync(client, password.Headers.Location!.ToString(), Totp(secret));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var me = await client.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct);
        Assert.Equal(email, me!.Email);
    }

    private async Task<byte[]> EnableAuthenticatorAsync(string email)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        return Base32Decode((await users.GetAuthenticatorKeyAsync(user))!);
    }

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string location, string code)
    {
        var path = location.StartsWith('/') ? location : "/" + location.Split("://")[^1].Split('/', 2)[1];
        var token = await ConsoleClients.AntiforgeryTokenAsync(client, path);
        return await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login-with-2fa",
            ["Input.TwoFactorCode"] = code,
        }));
    }

    /// <summary>RFC 6238 with the authenticator-app defaults: HMAC-SHA1, 30-second steps, 6 digits.</summary>
    private static string Totp(byte[] key)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6");
    }

    private static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            value = (value << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(value >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. output];
    }
}
