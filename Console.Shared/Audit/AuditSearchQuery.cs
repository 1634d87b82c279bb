using System.Globalization;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Audit;

/// <summary>
/// Search filters for GET /api/v1/audit and /export, as query-string parameters of the same names.
/// Keyset paging: <see cref="Before"/> (older than this sequence) or <see cref="After"/> (newer).
/// <see cref="Subject"/> is a user id or an email address; it matches through the keyed pseudonym.
/// </summary>
public sealed record AuditSearchQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    string? Outcome = null,
    string? Category = null,
    string? Text = null,
    string? Subject = null,
    long? Before = null,
    long? After = null,
    int Limit = AuditSearchQuery.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static IReadOnlyList<string> Outcomes { get; } = ["success", "failure", "denied"];

    /// <summary>Parses query-string values; every problem is reported under the parameter's name.</summary>
    public static AuditSearchQuery Parse(Func<string, string?> get, Validator v)
    {
        DateTimeOffset? Time(string name)
        {
            var s = get(name);
            if (string.IsNullOrEmpty(s))
            {
                return null;
            }
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            {
                return t;
            }
            v.Add(name, "Must be a date and time such as 2026-11-23T08:00:00Z.");
            return null;
        }
        long? Sequence(string name)
        {
            var s = get(name);
            if (string.IsNullOrEmpty(s))
            {
                return null;
            }
            if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
            {
                return n;
            }
            v.Add(name, "Must be a sequence number (1 or more).");
            return null;
        }
        string? Text(string name, int max)
        {
            var s = get(name);
            if (s is { Length: > 0 } && s.Length > max)
            {
                v.Add(name, $"Must be at most {max} characters.");
            }
            else
            {
                // PostgreSQL refuses NUL in a query parameter (a 500, found by fuzz/corpus/audit-query); no filter needs one.
                v.Text(name, s);
            }
            return string.IsNullOrEmpty(s) ? null : s;
        }
        var limit = DefaultLimit;
        if (get("limit") is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            v.Add("limit", $"Must be between 1 and {MaxLimit}.");
        }
        var q = new AuditSearchQuery(Time("from"), Time("to"), Text("actor", 450), Text("action", 64), Text("target", 450),
            Text("outcome", 16), Text("category", 32), Text("text", 200), Text("subject", 450), Sequence("before"), Sequence("after"), limit);
        if (q.From is { } f && q.To is { } t && t < f)
        {
            v.Add("to", "Must not be earlier than 'from'.");
        }
        if (q.Before is not null && q.After is not null)
        {
            v.Add("after", "Give either 'before' or 'after', not both.");
        }
        if (q.Outcome is not null && !Outcomes.Contains(q.Outcome, StringComparer.Ordinal))
        {
            v.Add("outcome", $"Must be one of: {string.Join(", ", Outcomes)}.");
        }
        if (q.Category is not null && !AuditCategoryNames.All.Contains(q.Category, StringComparer.Ordinal))
        {
            v.Add("category", $"Must be one of: {string.Join(", ", AuditCategoryNames.All)}.");
        }
        return q;
    }

    /// <summary>The query string a client sends for these filters.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("from", From?.ToString("O", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("O", CultureInfo.InvariantCulture));
        Add("actor", Actor);
        Add("action", Action);
        Add("target", Target);
        Add("outcome", Outcome);
        Add("category", Category);
        Add("text", Text);
        Add("subject", Subject);
        Add("before", Before?.ToString(CultureInfo.InvariantCulture));
        Add("after", After?.ToString(CultureInfo.InvariantCulture));
        Add("limit", Limit == DefaultLimit ? null : Limit.ToString(CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
