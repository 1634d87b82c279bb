using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// The callers the privilege tests need: people signed in with two-factor (the only ones who may grant Admin,
/// users:manage or change the key policy), and several keys of one owner (siblings).
/// </summary>
internal static class PrivilegeTestKit
{
    /// <summary>A person with these roles and an authenticator app, signed in through the password and code pages.</summary>
    public static async Task<BrowserClient> SignedInWithTwoFactorAsync(this ConsoleFactory factory, string role)
    {
        var email = $"{role.ToLowerInvariant()}-2fa-{Guid.NewGuid():N}@example.test";
        await factory.CreateUserAsync(email, role);
        byte[] authenticator;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            authenticator = Base32Decode((await users.GetAuthenticatorKeyAsync(user))!);
        }
        var client = factory.CreateBrowserClient();
        var password = await client.SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        var location = password.Headers.Location!.ToString();
        Assert.Contains("Account/LoginWith2fa", location);
        var path = location.StartsWith('/') ? location : "/" + location.Split("://")[^1].Split('/', 2)[1];
        var token = await ConsoleClients.AntiforgeryTokenAsync(client, path);
        var code = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login-with-2fa",
            ["Input.TwoFactorCode"] = Totp(authenticator),
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, code.StatusCode);
        client.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        return client;
    }

    /// <summary>A key of <paramref name="ownerUserId"/> with these scopes, issued as the CLI does, and a client that sends it.</summary>
    public static async Task<(HttpClient Client, ApiKeyIssued Key)> KeyOfAsync(this ConsoleFactory factory, string ownerUserId, params string[] scopes)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("test"));
        var issued = await scope.ServiceProvider.GetRequiredService<ApiKeyIssuer>()
            .IssueAsync(ownerUserId, "test", KeyEnvironments.Production, scopes, null, "tests", Ct);
        return (factory.BearerClient(issued.Secret), issued);
    }

    public static HttpClient BearerClient(this ConsoleFactory factory, string secret)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    /// <summary>A person signed in through the sign-in form (no two-factor), by email.</summary>
    public static async Task<BrowserClient> SignedInAsAsync(this ConsoleFactory factory, string email)
    {
        var client = factory.CreateBrowserClient();
        var response = await client.SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("Login", response.Headers.Location?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
        client.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        return client;
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
