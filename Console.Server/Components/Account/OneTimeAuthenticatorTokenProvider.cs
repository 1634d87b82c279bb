using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Components.Account;

/// <summary>
/// Authenticator-app codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) that work once. Identity's own provider
/// accepts a code as often as it likes for as long as it is valid, so a code read over a shoulder or relayed by a
/// phishing proxy signs in again. Here the step of the last accepted code is kept with the user (an Identity user
/// token, no schema change) and a code of that step or an earlier one is refused. Two requests racing with the same
/// code both write the user row; the second loses on its concurrency stamp and is refused too.
/// The clock is the console's <see cref="TimeProvider"/>, so tests move time instead of sleeping.
/// </summary>
public sealed class OneTimeAuthenticatorTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<ConsoleUser>
{
    internal const string LoginProvider = "[SecurityConsole]";
    internal const string LastStepName = "AuthenticatorLastStep";
    private const int StepSeconds = 30;

    /// <summary>Steps accepted either side of now: a phone's clock a little off, a slow typist (RFC 6238 §5.2).</summary>
    private const int Window = 1;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<ConsoleUser> manager, ConsoleUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>Nothing is sent: the person's app makes the code.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<ConsoleUser> manager, ConsoleUser user) => Task.FromResult("");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<ConsoleUser> manager, ConsoleUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit))
        {
            return false;
        }
        var secret = Base32.Decode(key);
        var now = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        long? matched = null;
        for (var step = now - Window; step <= now + Window; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Code(secret, step), System.Text.Encoding.ASCII.GetBytes(token)))
            {
                matched = step;
            }
        }
        if (matched is not { } used)
        {
            return false;
        }
        var last = await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastUsed) && used <= lastUsed)
        {
            return false; // this code, or one older than a code already used
        }
        var saved = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, used.ToString(CultureInfo.InvariantCulture));
        return saved.Succeeded;
    }

    private static byte[] Code(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(secret, counter, hash);
        var offset = hash[^1] & 0x0f;
        var value = (BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff) % 1_000_000;
        return System.Text.Encoding.ASCII.GetBytes(value.ToString("D6", CultureInfo.InvariantCulture));
    }

    /// <summary>RFC 4648 Base32, as Identity stores authenticator keys.</summary>
    private static class Base32
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

        public static byte[] Decode(string text)
        {
            var output = new List<byte>(text.Length * 5 / 8);
            int buffer = 0, bits = 0;
            foreach (var c in text.TrimEnd('='))
            {
                var index = Alphabet.IndexOf(char.ToUpperInvariant(c));
                if (index < 0)
                {
                    throw new FormatException("The authenticator key is not Base32.");
                }
                buffer = (buffer << 5) | index;
                bits += 5;
                if (bits >= 8)
                {
                    output.Add((byte)(buffer >> (bits - 8)));
                    bits -= 8;
                }
            }
            return [.. output];
        }
    }
}
