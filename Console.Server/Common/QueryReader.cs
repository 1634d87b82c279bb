using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Common;

/// <summary>
/// Reads query-string values bound as text, reporting each problem under the parameter's name (binding typed
/// values would answer a generic 400 that names nothing).
/// </summary>
public sealed class QueryReader
{
    public Validator Validator { get; } = new();

    public bool IsValid => Validator.IsValid;

    public ValidationProblem Problem() => ProblemHandlingExtensions.InvalidParameters(Validator);

    public DateTimeOffset? Time(string name, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        Validator.Add(name, "Must be a date and time such as 2026-11-23T08:00:00Z.");
        return null;
    }

    public long? Id(string name, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            return n;
        }
        Validator.Add(name, "Must be an id (1 or more).");
        return null;
    }

    public int Int(string name, string? text, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        Validator.Add(name, $"Must be a whole number between {min} and {max}.");
        return fallback;
    }

    public string? Text(string name, string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (text.Length > maxLength)
        {
            Validator.Add(name, $"Must be at most {maxLength} characters.");
            return null;
        }
        // PostgreSQL refuses NUL in a query parameter (a 500, found by fuzz/corpus/query-readers); no filter needs one.
        // The shared rule on text, as in every write (Console.Shared/Validation).
        if (SecurityConsole.Shared.Validation.Validator.TextProblem(text) is { } problem)
        {
            Validator.Add(name, problem);
            return null;
        }
        return text;
    }

    public string? OneOf(string name, string? text, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        Validator.OneOf(name, text, allowed);
        return Validator.Errors.ContainsKey(name) ? null : text;
    }

    /// <summary>A comma-separated list, each value one of <paramref name="allowed"/>.</summary>
    public IReadOnlyList<string>? List(string name, string? text, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = values.Where(x => !allowed.Contains(x, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0 || values.Length == 0)
        {
            Validator.Add(name, $"Must be one or more of (comma-separated): {string.Join(", ", allowed)}.");
            return null;
        }
        return values;
    }

    public (DateTimeOffset From, DateTimeOffset To) Range(string? from, string? to, DateTimeOffset now, TimeSpan fallback, TimeSpan max)
    {
        var end = Time("to", to) ?? now;
        // Nothing is recorded before 1970, and the default start (end - fallback) must not fall off the calendar: a 'to'
        // of 0001-01-01 threw there (a 500, found by fuzz/corpus/query-readers).
        var start = Time("from", from) ?? (end - DateTimeOffset.UnixEpoch < fallback ? DateTimeOffset.UnixEpoch : end - fallback);
        if (end <= DateTimeOffset.UnixEpoch)
        {
            Validator.Add("to", "Must be after 1970-01-01.");
        }
        else if (start < DateTimeOffset.UnixEpoch)
        {
            Validator.Add("from", "Must not be before 1970-01-01.");
        }
        else if (end <= start)
        {
            Validator.Add("to", "Must be later than 'from'.");
        }
        else if (end - start > max)
        {
            Validator.Add("from", $"The range may span at most {max.TotalDays:0} days.");
        }
        return (start, end);
    }
}
