using System.Text;

namespace SecurityConsole.Server.Common;

/// <summary>
/// A sentence the console writes (an alert's title, its evidence summary, an occurrence) that names a person or an
/// address holds each of those parts as a typed field, so that it can be read in clear by a reader with pii:read and
/// built from masked parts for one without: nothing is ever guessed from the text.
/// <para>
/// Stored form: the sentence starts with <see cref="TypedMark"/>, and each personal part is
/// <c>\uE000</c> + kind (<c>p</c> a person's account or e-mail, <c>a</c> an IP address, <c>n</c> a network, <c>f</c> a sender's free text) + value +
/// <c>\uE001</c>. The marks are private-use characters that no event field can carry into a sentence unnoticed
/// (<see cref="Strip"/> removes them from values before they are put in). A sentence without the leading mark was written
/// before parts were typed (or by hand): it is free text, and a reader without pii:read does not see it.
/// </para>
/// </summary>
public static class PersonalText
{
    public const char TypedMark = '\uE002';
    private const char Open = '\uE000';
    private const char Close = '\uE001';

    public const char PersonKind = 'p';
    public const char AddressKind = 'a';
    public const char NetworkKind = 'n';
    public const char TextKind = 'f';

    /// <summary>A person's account or e-mail address as a part of a sentence.</summary>
    public static string Person(string value) => Part(PersonKind, value);

    /// <summary>An IP address as a part of a sentence.</summary>
    public static string Address(string value) => Part(AddressKind, value);

    /// <summary>A network (203.0.113.0/24) as a part of a sentence.</summary>
    public static string Network(string value) => Part(NetworkKind, value);

    /// <summary>Text a sender chose (an unknown reason): it may hold anything, so it is hidden whole when masked.</summary>
    public static string Text(string value) => Part(TextKind, value);

    private static string Part(char kind, string value) => $"{Open}{kind}{Strip(value)}{Close}";

    /// <summary>Marks a whole sentence as built from typed parts.</summary>
    public static string Typed(string sentence) => sentence.Length > 0 && sentence[0] == TypedMark ? sentence : TypedMark + sentence;

    public static bool IsTyped(string? text) => text is { Length: > 0 } && text[0] == TypedMark;

    /// <summary>Removes the marks from a value, so that no value can open or close a part of its own.</summary>
    public static string Strip(string value) =>
        value.AsSpan().IndexOfAny(Open, Close, TypedMark) < 0 ? value
            : value.Replace(Open.ToString(), "", StringComparison.Ordinal).Replace(Close.ToString(), "", StringComparison.Ordinal)
                .Replace(TypedMark.ToString(), "", StringComparison.Ordinal);

    /// <summary>The sentence in clear: what a reader with pii:read sees. Free text reads as it was written.</summary>
    public static string? Reveal(string? text) => text is null ? null : Render(text, static (_, value) => value);

    /// <summary>
    /// The sentence for a reader without pii:read: every personal part masked by its kind (<paramref name="person"/> for
    /// people, <see cref="Masking.Ip"/> and <see cref="Masking.Network"/> for addresses); free text, typed by nobody,
    /// is <paramref name="untyped"/> (hidden whole by default).
    /// </summary>
    public static string? Mask(string? text, Func<string, string> person, string? untyped = Masking.Hidden)
    {
        if (text is null)
        {
            return null;
        }
        if (!IsTyped(text))
        {
            return untyped;
        }
        return Render(text, (kind, value) => kind switch
        {
            PersonKind => person(value),
            AddressKind => Masking.Ip(value),
            NetworkKind => Masking.Network(value),
            _ => Masking.Hidden,
        });
    }

    private static string Render(string text, Func<char, string, string> part)
    {
        var start = IsTyped(text) ? 1 : 0;
        if (text.AsSpan(start).IndexOfAny(Open, Close) < 0)
        {
            return text[start..];
        }
        var sb = new StringBuilder(text.Length);
        var i = start;
        while (i < text.Length)
        {
            var open = text.IndexOf(Open, i);
            if (open < 0)
            {
                sb.Append(text, i, text.Length - i);
                break;
            }
            sb.Append(text, i, open - i);
            var close = text.IndexOf(Close, open + 1);
            if (close < 0 || close == open + 1)
            {
                // Cut short (a stored sentence is truncated to its column): the part is dropped, never shown half.
                sb.Append('…');
                break;
            }
            sb.Append(part(text[open + 1], text.Substring(open + 2, close - open - 2)));
            i = close + 1;
        }
        return sb.ToString().Replace(Close.ToString(), "", StringComparison.Ordinal);
    }
}
