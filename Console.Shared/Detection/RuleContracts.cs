using System.Text.Json;
using System.Text.RegularExpressions;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Detection;

public static class RuleTypes
{
    public const string BruteForce = "brute_force";
    public const string Threshold = "threshold";
    public const string RateAnomaly = "rate_anomaly";
    public const string NewNetwork = "new_network";
    public const string UnusualHours = "unusual_hours";
    public const string RevokedKeyUse = "revoked_key_use";

    public static IReadOnlyList<string> All { get; } = [BruteForce, Threshold, RateAnomaly, NewNetwork, UnusualHours, RevokedKeyUse];
}

/// <summary>
/// A detection rule as the API shows it. What <see cref="WindowSeconds"/> means depends on the type: the
/// counting window (brute force, threshold, revoked key use) or the bucket length (rate anomaly); the
/// other types learn without a window. A new hit on the same entity within <see cref="GroupingSeconds"/>
/// of an active alert's last hit is added to that alert instead of raising another. <see cref="BuiltIn"/> rules
/// can be tuned and disabled, not deleted.
/// </summary>
public sealed record DetectionRuleView(
    string Id,
    string Name,
    string Description,
    string Type,
    string Severity,
    bool Enabled,
    int WindowSeconds,
    int GroupingSeconds,
    JsonElement Parameters,
    long FiredCount,
    DateTimeOffset? LastFiredAt,
    int ActiveAlerts,
    DateTimeOffset UpdatedAt,
    string? UpdatedBy,
    int Version,
    bool BuiltIn = false);

public static class RuleLimits
{
    public const int MinWindowSeconds = 10;
    public const int MaxWindowSeconds = 86_400;
    public const int MaxGroupingSeconds = 7 * 86_400;
    public const int MaxNameLength = 128;
    public const int MaxDescriptionLength = 1000;

    public static void ValidateCommon(Validator v, string? severity, int? windowSeconds, int? groupingSeconds)
    {
        if (severity is not null)
        {
            v.OneOf("severity", severity, AlertSeverities.All);
        }
        if (windowSeconds is { } w)
        {
            v.Range("windowSeconds", w, MinWindowSeconds, MaxWindowSeconds);
        }
        if (groupingSeconds is { } g)
        {
            v.Range("groupingSeconds", g, 0, MaxGroupingSeconds);
        }
    }
}

/// <summary>Changes to a rule: every field is optional, a missing field stays as it is. <c>parameters</c> replaces the rule's parameters as a whole.</summary>
public sealed record DetectionRuleUpdate(
    string? Name = null,
    string? Description = null,
    string? Severity = null,
    bool? Enabled = null,
    int? WindowSeconds = null,
    int? GroupingSeconds = null,
    JsonElement? Parameters = null) : IValidatable
{
    public void Validate(Validator v)
    {
        if (Name is not null)
        {
            v.Required("name", Name, RuleLimits.MaxNameLength);
        }
        v.Optional("description", Description, RuleLimits.MaxDescriptionLength, TextKind.MultiLine);
        RuleLimits.ValidateCommon(v, Severity, WindowSeconds, GroupingSeconds);
    }
}

/// <summary>A new rule of one of the built-in types, e.g. a threshold on an event type a service sends.</summary>
public sealed partial record DetectionRuleCreate(
    string Id,
    string Name,
    string Type,
    string Severity,
    int WindowSeconds,
    int GroupingSeconds,
    bool Enabled = true,
    string? Description = null,
    JsonElement? Parameters = null) : IValidatable
{
    public const string IdMessage = "Use 3–64 lower-case letters, digits and dashes, starting with a letter (e.g. payments-refund-burst).";

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    public void Validate(Validator v)
    {
        if (!IsValidId(Id))
        {
            v.Add("id", IdMessage);
        }
        v.Required("name", Name, RuleLimits.MaxNameLength);
        v.Optional("description", Description, RuleLimits.MaxDescriptionLength, TextKind.MultiLine);
        v.OneOf("severity", Severity, AlertSeverities.All);
        RuleLimits.ValidateCommon(v, null, WindowSeconds, GroupingSeconds);
        if (Type is null || !RuleTypes.All.Contains(Type, StringComparer.Ordinal))
        {
            v.Add("type", $"Must be one of: {string.Join(", ", RuleTypes.All)}.");
            return;
        }
        RuleParameters.Parse(Type, Parameters, v);
    }

    [GeneratedRegex(@"^[a-z][a-z0-9-]{2,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}

/// <summary>A rule type and its parameters, for a form that edits them.</summary>
public sealed record RuleTypeInfo(string Type, string Name, string Description, string WindowMeaning, JsonElement DefaultParameters, IReadOnlyList<RuleParameterInfo> Parameters);

/// <summary><see cref="Kind"/>: int, number, eventType, eventTypes, entity, entities, outcome, bool.</summary>
public sealed record RuleParameterInfo(string Name, string Kind, string Description, double? Min = null, double? Max = null, IReadOnlyList<string>? Options = null);
