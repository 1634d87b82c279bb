using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>An authenticator app: RFC 6238 with the usual defaults (HMAC-SHA1, 30-second steps, 6 digits).</summary>
public static class Totp
{
    public static string Code(byte[] key, DateTimeOffset at)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset)) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6");
    }

    /// <summary>The key as the page shows it ("abcd efgh …", any case) or as the store keeps it (Base32).</summary>
    public static byte[] Key(string base32)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var value = 0;
        var output = new List<byte>();
        foreach (var c in base32.Replace(" ", "").TrimEnd('=').ToUpperInvariant())
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
