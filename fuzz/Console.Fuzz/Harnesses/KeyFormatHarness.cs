using System.Text;
using SecurityConsole.Server.Keys;

namespace SecurityConsole.Fuzz.Harnesses;

/// <summary>
/// API keys as they arrive in an Authorization header, a verify request or a leak report. <see cref="KeyFormat.IsWellFormed"/>
/// is the only gate before the cache and the database: it must never throw, and whatever it lets through must be safe for
/// every helper that assumes a well-formed key (environment, display prefix, last four, hash).
/// </summary>
public sealed class KeyFormatHarness : IFuzzHarness
{
    public string Name => "key-format";

    public void Run(ReadOnlySpan<byte> input)
    {
        // The same bytes as UTF-8 (what a JSON body or header gives) and as Latin-1 (every byte a char, non-ASCII included).
        Check(Encoding.UTF8.GetString(input));
        Check(Encoding.Latin1.GetString(input));
    }

    private static void Check(string key)
    {
        if (!KeyFormat.IsWellFormed(key))
        {
            return;
        }
        FuzzHarnesses.Check(key.All(char.IsAscii), "a well-formed key is ASCII");
        var environment = KeyFormat.EnvironmentOf(key);
        FuzzHarnesses.Check(KeyFormat.EnvironmentCodes.ContainsKey(environment), "a well-formed key names a known environment");
        var prefix = KeyFormat.DisplayPrefix(key);
        FuzzHarnesses.Check(key.StartsWith(prefix, StringComparison.Ordinal) && prefix.Length < key.Length - 4, "the display prefix does not reveal the key");
        FuzzHarnesses.Check(KeyFormat.LastFour(key).Length == 4, "last four");
        FuzzHarnesses.Check(KeyFormat.Hash(key).Length == 32, "SHA-256");
        // A one-character typo must be caught by the checksum: flip each character of the random part in turn.
        for (var i = key.Length - 49; i < key.Length; i++)
        {
            var typo = key.ToCharArray();
            typo[i] = typo[i] == 'a' ? 'b' : 'a';
            FuzzHarnesses.Check(!KeyFormat.IsWellFormed(new string(typo)), "a one-character typo is rejected");
        }
    }
}
