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

    /// <summary>A parameter's label in a form: "Event types", "Deviations to alert (z)"; an unknown one by its name.</summary>
    public static string ParameterLabel(string name) => name switch
    {
        "eventTypes" => "Event types",
        "eventType" => "Event type",
        "by" => "Per",
        "threshold" => "Threshold",
        "outcome" => "Outcome",
        "alpha" => "Weight of the newest period (alpha)",
        "zThreshold" => "Deviations above usual to alert (z)",
        "minEvents" => "Fewest events in a period to alert",
        "warmupBuckets" => "Periods to learn before alerting",
        "ipv4PrefixLength" => "IPv4 network size (prefix bits)",
        "ipv6PrefixLength" => "IPv6 network size (prefix bits)",
        "minKnownEvents" => "Events of history before alerting",
        "minHistoryEvents" => "Events of history before alerting",
        "successOnly" => "Successful events only",
        "maxShare" => "Unusual below this share of activity",
        _ => name,
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
