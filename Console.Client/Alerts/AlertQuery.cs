using System.Globalization;

namespace SecurityConsole.Client.Alerts;

/// <summary>What the Alerts list asks for; empty fields are not sent.</summary>
public sealed record AlertQuery(
    IReadOnlyList<string>? Severities = null,
    IReadOnlyList<string>? Statuses = null,
    string? Rule = null,
    string? EntityKind = null,
    string? Entity = null,
    DateTimeOffset? From = null,
    long? Before = null,
    int Limit = 50)
{
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }
        Add("severity", Severities is { Count: > 0 } s ? string.Join(',', s) : null);
        Add("status", Statuses is { Count: > 0 } st ? string.Join(',', st) : null);
        Add("rule", Rule);
        Add("entityKind", EntityKind);
        Add("entity", Entity);
        Add("from", From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("before", Before?.ToString(CultureInfo.InvariantCulture));
        Add("limit", Limit.ToString(CultureInfo.InvariantCulture));
        return "?" + string.Join('&', parts);
    }
}
