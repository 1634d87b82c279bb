using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Components.Account;

/// <summary>
/// Refuses passwords that are guessed first (NIST SP 800-63B §5.1.1.2): one of the 10,000 most used and leaked
/// passwords shipped in <c>common-passwords.txt</c> (see scripts/common-passwords.sh), such a password with digits
/// or symbols around it or l33t spelling (P@ssw0rd2024!), one character or a short unit repeated, a sequence or a
/// keyboard row, and the person's own address. Length stays Identity's rule (12); composition rules stay off.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<ConsoleUser>
{
    internal const string TooCommon =
        "This password is too common: it is one of the most used and leaked passwords, or one with digits or symbols around it. Choose another; a few unrelated words work well.";

    internal const string Pattern =
        "This password is too common: repeated characters, a sequence or a keyboard row are guessed first. Choose another; a few unrelated words work well.";

    internal const string Personal = "This password is too easy to guess: it contains your email address.";

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    public async Task<IdentityResult> ValidateAsync(UserManager<ConsoleUser> manager, ConsoleUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return IdentityResult.Success; // Identity's own validator says a password is required
        }
        var email = await manager.GetEmailAsync(user);
        return Problem(password, email) is { } problem
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordTooCommon", Description = problem })
            : IdentityResult.Success;
    }

    /// <summary>What makes this password easy to guess, or null.</summary>
    internal static string? Problem(string password, string? email)
    {
        var lower = password.Trim().ToLowerInvariant();
        if (IsPatterned(lower))
        {
            return Pattern;
        }
        if (IsCommon(lower))
        {
            return TooCommon;
        }
        var local = email?.Split('@')[0].ToLowerInvariant();
        if (local is { Length: >= 4 } && (lower.Contains(local, StringComparison.Ordinal) || lower.Contains(email!.ToLowerInvariant(), StringComparison.Ordinal)))
        {
            return Personal;
        }
        return null;
    }

    private static bool IsCommon(string lower)
    {
        var common = Common.Value;
        // "password1234", "P@ssw0rd2024!", "!!sunshine!!": the word inside the digits and symbols, as typed and de-l33ted.
        var word = lower.Trim("0123456789!@#$%^&*()-_=+.,;:?~`'\"[]{}<>/\\| ".ToCharArray());
        foreach (var candidate in (string[])[lower, word, Unleet(lower, 'i'), Unleet(word, 'i'), Unleet(word, 'l')])
        {
            if (candidate.Length > 0 && common.Contains(candidate))
            {
                return true;
            }
        }
        return false;
    }

    private static string Unleet(string text, char one) => string.Create(text.Length, (text, one), static (span, state) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = state.text[i] switch
            {
                '0' => 'o', '1' => state.one, '3' => 'e', '4' => 'a', '5' => 's', '7' => 't', '@' => 'a', '$' => 's', '!' => 'i',
                var c => c,
            };
        }
    });

    private static bool IsPatterned(string lower)
    {
        if (lower.Distinct().Count() < 4)
        {
            return true; // aaaaaaaaaaaa, 121212121212, abababab…
        }
        for (var unit = 1; unit <= lower.Length / 2; unit++)
        {
            if (lower.Length % unit == 0 && lower == string.Concat(Enumerable.Repeat(lower[..unit], lower.Length / unit)))
            {
                return true; // abcabcabcabc, passwordpassword
            }
        }
        var steps = 0;
        for (var i = 1; i < lower.Length; i++)
        {
            if (Adjacent(lower[i - 1], lower[i]))
            {
                steps++;
            }
        }
        // abcdefghijkl, 123456789012, zyxwvutsrqpo, qwertyuiopas: (nearly) every character follows its neighbour.
        return steps >= (lower.Length - 1) * 4 / 5;
    }

    private static readonly string[] Rows = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz"];

    private static bool Adjacent(char a, char b)
    {
        foreach (var row in Rows)
        {
            var i = row.IndexOf(a);
            var j = row.IndexOf(b);
            if (i >= 0 && j >= 0 && (Math.Abs(i - j) == 1 || (row[0] == '1' && Math.Abs(i - j) == row.Length - 1)))
            {
                return true; // neighbours, or 9-0-1 around the digits
            }
        }
        return false;
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("SecurityConsole.Server.CommonPasswords")
            ?? throw new InvalidOperationException("The password blocklist (common-passwords.txt) is not embedded in the build.");
        using var reader = new StreamReader(stream);
        var passwords = new List<string>(10_000);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                passwords.Add(line);
            }
        }
        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
