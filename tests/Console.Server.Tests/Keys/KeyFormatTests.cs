using CsCheck;
using SecurityConsole.Server.Keys;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>Properties of the key format: what is generated is well formed, and any typo is caught without I/O.</summary>
public sealed class KeyFormatTests
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>Every character a key may contain; a typo turns one of them into another.</summary>
    private const string KeyCharacters = Base62 + "_";

    private static readonly string[] EnvironmentNames = [.. KeyFormat.EnvironmentCodes.Keys];

    private static readonly Gen<string> Environments = Gen.Int[0, EnvironmentNames.Length - 1].Select(i => EnvironmentNames[i]);

    private static readonly Gen<string> Keys = Environments.Select(KeyFormat.Generate);

    [Fact]
    public void EveryGeneratedKeyIsWellFormedWithItsEnvironmentsPrefix()
    {
        Environments.Sample(environment =>
        {
            var key = KeyFormat.Generate(environment);
            Assert.True(KeyFormat.IsWellFormed(key), key);
            Assert.StartsWith($"sc_{KeyFormat.EnvironmentCodes[environment]}_", key);
            Assert.Equal(environment, KeyFormat.EnvironmentOf(key));
            Assert.All(key, c => Assert.Contains(c, KeyCharacters));
            Assert.Equal(KeyFormat.DisplayPrefix(key) + "…" + KeyFormat.LastFour(key), $"{KeyFormat.DisplayPrefix(key)}…{key[^4..]}");
        }, iter: 1_000);
    }

    [Fact]
    public void TheVerifyPathsHashIsTheStoredHashAndConvertsBack()
    {
        Keys.Sample(key =>
        {
            var stored = KeyFormat.Hash(key);
            Assert.Equal(KeyHash.From(stored), KeyHash.Of(key));
            Assert.Equal(stored, KeyHash.Of(key).ToArray());
        });
    }

    [Fact]
    public void TwoGeneratedKeysAreNeverEqual()
    {
        var keys = Enumerable.Range(0, 2_000).Select(_ => KeyFormat.Generate("production")).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(2_000, keys.Count);
    }

    [Fact]
    public void ReplacingAnyOneCharacterByAnyOtherAllowedCharacterIsRejected()
    {
        var typos = from key in Keys
                    from position in Gen.Int[0, 63]
                    from replacement in Gen.Char[KeyCharacters]
                    where position < key.Length && key[position] != replacement
                    select (key, position, replacement);
        typos.Sample((key, position, replacement) =>
            !KeyFormat.IsWellFormed(Substitute(key, position, replacement)), iter: 5_000);
    }

    [Fact]
    public void EverySingleCharacterSubstitutionOfSomeKeysIsRejectedExhaustively()
    {
        // Not a sample: every position, every other character, for keys of each environment.
        foreach (var environment in KeyFormat.EnvironmentCodes.Keys)
        {
            for (var round = 0; round < 20; round++)
            {
                var key = KeyFormat.Generate(environment);
                for (var position = 0; position < key.Length; position++)
                {
                    foreach (var replacement in KeyCharacters.Where(c => c != key[position]))
                    {
                        var typo = Substitute(key, position, replacement);
                        Assert.False(KeyFormat.IsWellFormed(typo), $"{typo} (from {key}) was accepted");
                    }
                }
            }
        }
    }

    [Fact]
    public void ATruncatedKeyIsRejected()
    {
        (from key in Keys from length in Gen.Int[0, 63] where length < key.Length select key[..length])
            .Sample(truncated => !KeyFormat.IsWellFormed(truncated), iter: 1_000);
    }

    [Fact]
    public void AnExtendedKeyIsRejected()
    {
        (from key in Keys from suffix in Gen.String[Gen.Char[KeyCharacters + " \t\n=."], 1, 12] select key + suffix)
            .Sample(extended => !KeyFormat.IsWellFormed(extended), iter: 5_000);
        (from key in Keys from prefix in Gen.String[Gen.Char[KeyCharacters + " "], 1, 12] select prefix + key)
            .Sample(extended => !KeyFormat.IsWellFormed(extended), iter: 5_000);
    }

    [Fact]
    public void ArbitraryTextIsRejectedWithoutThrowing()
    {
        Gen.String.Sample(text => !KeyFormat.IsWellFormed(text) || text.StartsWith("sc_", StringComparison.Ordinal), iter: 5_000);
    }

    private static string Substitute(string key, int position, char replacement) =>
        string.Concat(key.AsSpan(0, position), new string(replacement, 1), key.AsSpan(position + 1));
}
