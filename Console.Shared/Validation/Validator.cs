using System.Text.RegularExpressions;

namespace SecurityConsole.Shared.Validation;

/// <summary>
/// A request that can say what is wrong with it. The server turns the errors into an RFC 7807
/// validation problem (field → messages); the client shows the same messages next to the field.
/// </summary>
public interface IValidatable
{
    void Validate(Validator v);
}

/// <summary>Collects field errors; field names are the JSON (camelCase) names the caller sent.</summary>
public sealed partial class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public Validator Required(string field, string? value, int maxLength = 256, TextKind kind = TextKind.SingleLine)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "This field is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"Must be at most {maxLength} characters.");
        }
        else
        {
            Text(field, value, kind);
        }
        return this;
    }

    /// <summary>A field that may be left out (null); when given, it is held to the same length and character rules.</summary>
    public Validator Optional(string field, string? value, int maxLength, TextKind kind = TextKind.SingleLine)
    {
        if (value is null)
        {
            return this;
        }
        if (value.Length > maxLength)
        {
            return Add(field, $"Must be at most {maxLength} characters.");
        }
        return Text(field, value, kind);
    }

    /// <summary>
    /// Text is text: no control characters (NUL above all, which PostgreSQL cannot store, and terminal escapes),
    /// and no half of a UTF-16 surrogate pair. Prose (<see cref="TextKind.MultiLine"/>) may hold tabs and line breaks.
    /// </summary>
    public Validator Text(string field, string? value, TextKind kind = TextKind.SingleLine)
    {
        if (value is not null && TextProblem(value, kind) is { } problem)
        {
            Add(field, problem);
        }
        return this;
    }

    /// <summary>What is wrong with the characters of <paramref name="value"/>, or null when nothing is.</summary>
    public static string? TextProblem(string value, TextKind kind = TextKind.SingleLine)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            if (char.IsSurrogate(c))
            {
                return "Must be valid text: it holds half of a character.";
            }
            if (char.IsControl(c) && !(kind == TextKind.MultiLine && c is '\t' or '\n' or '\r'))
            {
                return kind == TextKind.MultiLine
                    ? "Must not contain control characters (line breaks and tabs are fine)."
                    : "Must not contain control characters.";
            }
        }
        return null;
    }

    /// <summary>
    /// An address mail can be sent to, and nothing else: a dot-atom local part (RFC 5322 atext) at an ASCII host name
    /// (an internationalised domain in its xn-- form). Quoted local parts, comments and address literals are refused:
    /// an address is shown and linked in pages and mails, and these forms carry markup and spaces.
    /// </summary>
    public Validator Email(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "An email address is required.");
        }
        var at = value.LastIndexOf('@');
        if (value.Length > 254 || at is < 1 or > 64 || !EmailPattern().IsMatch(value))
        {
            Add(field, "Enter an email address such as name@example.com.");
        }
        return this;
    }

    public Validator OneOf(string field, string? value, IEnumerable<string> allowed)
    {
        var options = allowed.ToList();
        if (value is null || !options.Contains(value, StringComparer.Ordinal))
        {
            Add(field, $"Must be one of: {string.Join(", ", options)}.");
        }
        return this;
    }

    public Validator Range(string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(field, $"Must be between {min} and {max}.");
        }
        return this;
    }

    public static Validator Run(IValidatable request)
    {
        var v = new Validator();
        request.Validate(v);
        return v;
    }

    // \z, not $: $ also matches before a final line break. Labels: letters, digits, inner hyphens, at most 63;
    // the last one is letters (or xn--), so that a bare address such as a@1.2.3.4 is not taken for a host.
    [GeneratedRegex(
        @"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
        + @"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}

/// <summary>Whether a text field is a line (a name, an address, an id) or prose (a reason, a comment, a note).</summary>
public enum TextKind
{
    SingleLine,
    MultiLine,
}
