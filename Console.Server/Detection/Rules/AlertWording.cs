using System.Globalization;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection.Rules;

/// <summary>
/// The words alerts are written in: counts with their nouns ("1 failed sign-in", "12 failed sign-ins"), windows
/// ("5 minutes"), ratios against a baseline ("4.2× its usual"), entities in the place a sentence needs them.
/// Invariant culture: alert titles are stored, and read the same on every analyst's screen.
/// </summary>
public static class AlertWording
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>"once", "twice", "3 times".</summary>
    public static string Times(int n) => n switch
    {
        1 => "once",
        2 => "twice",
        _ => $"{Count(n)} times",
    };

    public static string Count(long n) => n.ToString("N0", C);

    /// <summary>"1 event", "3 events".</summary>
    public static string Plural(long n, string one, string many) => $"{Count(n)} {(n == 1 ? one : many)}";

    /// <summary>"45 seconds", "5 minutes", "1 hour", "90 minutes", "2 days".</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays % 1 == 0 ? Plural((long)span.TotalDays, "day", "days")
        : span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? Plural((long)span.TotalHours, "hour", "hours")
        : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? Plural((long)span.TotalMinutes, "minute", "minutes")
        : Plural((long)Math.Round(span.TotalSeconds), "second", "seconds");

    /// <summary>A measured number as a person reads it: "16", "2.5", "0.4", "1,234".</summary>
    public static string Number(double x) => Math.Abs(x) >= 100 ? Math.Round(x).ToString("N0", C)
        : Math.Abs(x) >= 10 ? x.ToString("0", C)
        : x.ToString("0.#", C) is var s && s != "0" ? s : x.ToString("0.##", C);

    /// <summary>
    /// This against usual: "4.2× its usual", "37× its usual", "as much as its usual", or for a drop "60% below its usual".
    /// </summary>
    public static string AgainstUsual(double ratio, string pronoun = "its")
    {
        if (ratio >= 1.05)
        {
            return $"{(ratio >= 10 ? ratio.ToString("N0", C) : ratio.ToString("0.0", C))}× {pronoun} usual";
        }
        if (ratio > 0.95)
        {
            return $"about {pronoun} usual";
        }
        var below = (int)Math.Round((1 - ratio) * 100);
        return below >= 100 ? $"none of {pronoun} usual" : $"{below}% below {pronoun} usual";
    }

    /// <summary>A share as a person reads it: "0.4%", "12%", "under 0.1%".</summary>
    public static string Percent(double share) => share switch
    {
        <= 0 => "0%",
        < 0.001 => "under 0.1%",
        < 0.1 => (share * 100).ToString("0.#", C) + "%",
        _ => (share * 100).ToString("0", C) + "%",
    };

    /// <summary>The entity as the subject that opens a sentence: "Key sc_live_ab12", "alice@example.com", "203.0.113.7", "payments-api".</summary>
    public static string Who(string kind, string id) => kind switch
    {
        EntityKinds.Key => $"Key {id}",
        _ => Entity(kind, id),
    };

    /// <summary>
    /// The entity as a typed part of a sentence (<see cref="PersonalText"/>): a person or an address is personal data and
    /// reads masked to a reader without pii:read; a key or a service is the company's and reads as it is.
    /// </summary>
    public static string Entity(string kind, string id) => kind switch
    {
        EntityKinds.User => PersonalText.Person(id),
        EntityKinds.Ip => PersonalText.Address(id),
        _ => PersonalText.Strip(id),
    };

    /// <summary>A person named in a sentence (an actor, a reporter).</summary>
    public static string Person(string value) => PersonalText.Person(value);

    /// <summary>An address named in a sentence.</summary>
    public static string Address(string value) => PersonalText.Address(value);

    /// <summary>A network named in a sentence.</summary>
    public static string Network(string value) => PersonalText.Network(value);

    /// <summary>
    /// The entity after what happened to it: "for key sc_live_ab12", "for alice@example.com" (or "by", when the person
    /// acted rather than was acted on), "from 203.0.113.7", "from payments-api".
    /// </summary>
    public static string Subject(string kind, string id, string user = "for") => kind switch
    {
        EntityKinds.Key => $"for key {PersonalText.Strip(id)}",
        EntityKinds.User => $"{user} {Entity(kind, id)}",
        EntityKinds.Ip => $"from {Entity(kind, id)}",
        EntityKinds.Service => $"from {PersonalText.Strip(id)}",
        _ => $"for {kind} {PersonalText.Strip(id)}",
    };

    /// <summary>"their" for a person, "its" for the rest.</summary>
    public static string Their(string kind) => kind == EntityKinds.User ? "their" : "its";

    /// <summary>An event's type as a counted noun; with the entity a key, "failed key verifications" shortens to "failed verifications".</summary>
    public static string Noun(string type, long n, string kind)
    {
        var noun = EventTypeNames.Noun(type, n == 1 ? 1 : 2);
        return kind == EntityKinds.Key && EventTypeNames.IsKnown(type) ? noun.Replace("key ", "", StringComparison.Ordinal) : noun;
    }

    /// <summary>"failed sign-ins"; a service's own type with a non-success outcome: "failed payments.refund events".</summary>
    public static string FailureNoun(string? type, long n, string kind) =>
        type is null ? (n == 1 ? "failed attempt" : "failed attempts")
        : EventTypeNames.IsKnown(type) ? Noun(type, n, kind)
        : $"failed {Noun(type, n, kind)}";

    /// <summary>A service's own type narrowed to an outcome: "successful payments.refund events"; the console's types already say it.</summary>
    public static string Noun(string type, string? outcome, long n, string kind) =>
        outcome is null || EventTypeNames.IsKnown(type) ? Noun(type, n, kind) : outcome switch
        {
            EventOutcomes.Success => $"successful {Noun(type, n, kind)}",
            EventOutcomes.Failure => $"failed {Noun(type, n, kind)}",
            EventOutcomes.Denied => $"denied {Noun(type, n, kind)}",
            EventOutcomes.Error => $"{Noun(type, n, kind)} in error",
            _ => $"{Noun(type, n, kind)} of unknown outcome",
        };

    /// <summary>"14:22 UTC".</summary>
    public static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", C) + " UTC";

    /// <summary>"03:00–04:00 UTC" for an hour of the day.</summary>
    public static string HourSpan(int hour) => $"{hour:00}:00–{(hour + 1) % 24:00}:00 UTC";

    /// <summary>One event in words: "failed sign-in by alice@example.com from 203.0.113.7", "failed key verification of sc_live_J123 (no such key)".</summary>
    public static string Describe(SecurityEvent e)
    {
        var text = EventTypeNames.Noun(e.Type);
        if (e.KeyPrefix is { } key)
        {
            text += $" of {PersonalText.Strip(key)}";
        }
        if (e.Actor is { } actor)
        {
            text += $" by {Person(actor)}";
        }
        if (e.SourceIp is { } ip)
        {
            text += $" from {Address(ip)}";
        }
        if (e.Attribute("reason") is { } reason)
        {
            // A known reason is the console's word; any other is the sender's text.
            var words = EventTypeNames.Reason(reason);
            text += $" ({(words == reason.Replace('_', ' ') ? PersonalText.Text(reason) : words)})";
        }
        return text;
    }

    /// <summary>"10.0.0.0/24", "10.0.0.0/24 and 10.0.1.0/24", "10.0.0.0/24, 10.0.1.0/24 and 3 more".</summary>
    public static string List(IReadOnlyList<string> items, int total, int show = 2)
    {
        var shown = items.TakeLast(show).ToList();
        var more = total - shown.Count;
        return more > 0 ? $"{string.Join(", ", shown)} and {Count(more)} more"
            : shown.Count <= 1 ? string.Join("", shown)
            : $"{string.Join(", ", shown[..^1])} and {shown[^1]}";
    }

    /// <summary>
    /// The shortest span of the day (UTC, wrapping past midnight) holding at least <paramref name="share"/> of the activity,
    /// or null when even that needs most of the day: "usual hours" only mean something when they are compact.
    /// </summary>
    public static (int Start, int End)? UsualHours(IReadOnlyList<long> hours, double share = 0.95, int longest = 16)
    {
        var total = hours.Sum();
        if (total == 0 || hours.Count != 24)
        {
            return null;
        }
        for (var length = 1; length <= longest; length++)
        {
            (int Start, long Sum)? best = null;
            for (var start = 0; start < 24; start++)
            {
                long sum = 0;
                for (var h = 0; h < length; h++)
                {
                    sum += hours[(start + h) % 24];
                }
                if (sum >= share * total && (best is null || sum > best.Value.Sum))
                {
                    best = (start, sum);
                }
            }
            if (best is { } b)
            {
                return (b.Start, (b.Start + length) % 24);
            }
        }
        return null;
    }

    public static bool Covers((int Start, int End) span, int hour) =>
        span.Start < span.End ? hour >= span.Start && hour < span.End : hour >= span.Start || hour < span.End;
}
