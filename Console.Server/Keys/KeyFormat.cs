using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// The API key format: <c>sc_{env}_{43 base62 chars of 256 random bits}{6 base62 chars of CRC-32}</c>.
/// The prefix lets secret scanners recognise a leaked key; the checksum rejects a mistyped key
/// before any cache or database look-up. See docs/decisions/0002-api-key-format.md.
/// </summary>
public static class KeyFormat
{
    public const string Product = "sc";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int RandomChars = 43;   // 62^43 > 2^256
    private const int ChecksumChars = 6;  // 62^6 > 2^32

    /// <summary>Environment name → the short code in the key.</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentCodes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["production"] = "live",
        ["staging"] = "stg",
        ["development"] = "dev",
    };

    public static string Generate(string environment)
    {
        if (!EnvironmentCodes.TryGetValue(environment, out var code))
        {
            throw new ArgumentOutOfRangeException(nameof(environment), environment, "Unknown environment.");
        }
        Span<char> random = stackalloc char[RandomChars];
        for (var i = 0; i < RandomChars; i++)
        {
            random[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        var body = $"{Product}_{code}_{random}";
        return body + Checksum(body);
    }

    /// <summary>True when the text has the shape and checksum of a key; no I/O.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        // sc_{code}_ + 43 + 6
        if (key.Length < 3 + 4 + RandomChars + ChecksumChars || key.Length > 64 || !key.StartsWith("sc_"))
        {
            return false;
        }
        var rest = key[3..];
        var underscore = rest.IndexOf('_');
        if (underscore is < 3 or > 4)
        {
            return false;
        }
        var code = rest[..underscore];
        if (code is not ("live" or "stg" or "dev"))
        {
            return false;
        }
        var tail = rest[(underscore + 1)..];
        if (tail.Length != RandomChars + ChecksumChars)
        {
            return false;
        }
        foreach (var c in tail)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }
        var bodyLength = key.Length - ChecksumChars;
        Span<char> expected = stackalloc char[ChecksumChars];
        WriteChecksum(key[..bodyLength], expected);
        return key[bodyLength..].SequenceEqual(expected);
    }

    public static string EnvironmentOf(string key)
    {
        var code = key.AsSpan(3, key.IndexOf('_', 3) - 3).ToString();
        return EnvironmentCodes.First(e => e.Value == code).Key;
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>What screens show instead of the key: the readable prefix plus four characters.</summary>
    public static string DisplayPrefix(string key) => key[..(key.IndexOf('_', 3) + 1 + 4)];

    public static string LastFour(string key) => key[^4..];

    private static string Checksum(string body)
    {
        Span<char> chars = stackalloc char[ChecksumChars];
        WriteChecksum(body, chars);
        return chars.ToString();
    }

    private static void WriteChecksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[body.Length];
        for (var i = 0; i < body.Length; i++)
        {
            bytes[i] = (byte)body[i];
        }
        var value = Crc32.HashToUInt32(bytes);
        for (var i = ChecksumChars - 1; i >= 0; i--)
        {
            destination[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
    }
}
