using System.Text.Json;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

/// <summary>How rules read in the admin list.</summary>
public static class RuleText
{
    public static string TypeName(string type) => type switch
    {
        RuleTypes.BruteForce => "Brute force",
        RuleTypes.Threshold => "Threshold",
        RuleTypes.RateAnomaly => "Rate anomaly",
        RuleTypes.NewNetwork => "New network",
        RuleTypes.UnusualHours => "Unusual hours",
        RuleTypes.RevokedKeyUse => "Revoked key use",
        _ => type,
    };

    public static string Seconds(int seconds) => seconds switch
    {
        0 => "–",
        < 120 => $"{seconds} s",
        >= 3600 when seconds % 3600 == 0 => $"{seconds / 3600} h",
        _ => $"{seconds / 60} min",
    };

    /// <summary>"threshold=10, by=key,user,ip": short enough for a table cell.</summary>
    public static string Parameters(JsonElement parameters) =>
        parameters.ValueKind != JsonValueKind.Object ? "" : string.Join(", ", parameters.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Null)
            .Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.Array ? string.Join(",", p.Value.EnumerateArray().Select(v => v.ToString())) : p.Value.ToString())}"));
}
