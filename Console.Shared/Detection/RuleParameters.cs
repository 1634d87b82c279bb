using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Detection;

/// <summary>The typed parameters of one rule type. <see cref="Normalized"/> fills in defaults for what was left out.</summary>
public interface IRuleParameters
{
    IRuleParameters Normalized();

    void Validate(Validator v, string field);
}

/// <summary>Failures (failed verifications, failed sign-ins) per key, user or address reaching a threshold within the window.</summary>
public sealed record BruteForceParameters(IReadOnlyList<string>? EventTypes = null, IReadOnlyList<string>? By = null, int Threshold = 10) : IRuleParameters
{
    public IRuleParameters Normalized() => this with
    {
        EventTypes = EventTypes ?? [SecurityEventTypes.KeyVerifyFailed, SecurityEventTypes.LoginFailed],
        By = By ?? [EntityKinds.Key, EntityKinds.User, EntityKinds.Ip],
    };

    public void Validate(Validator v, string field)
    {
        RuleParameters.EventTypeList(v, $"{field}.eventTypes", EventTypes, required: true);
        RuleParameters.EntityList(v, $"{field}.by", By, [EntityKinds.Key, EntityKinds.User, EntityKinds.Ip]);
        v.Range($"{field}.threshold", Threshold, 2, 1_000_000);
    }
}

/// <summary>Events of a type (exact, or a prefix such as <c>auth.*</c>), optionally of one outcome, per entity reaching a threshold within the window.</summary>
public sealed record ThresholdParameters(string EventType = "", string? Outcome = null, string By = EntityKinds.Ip, int Threshold = 100) : IRuleParameters
{
    public IRuleParameters Normalized() => this;

    public void Validate(Validator v, string field)
    {
        RuleParameters.EventTypeFilter(v, $"{field}.eventType", EventType, required: true);
        if (Outcome is not null)
        {
            v.OneOf($"{field}.outcome", Outcome, EventOutcomes.All);
        }
        v.OneOf($"{field}.by", By, EntityKinds.All);
        v.Range($"{field}.threshold", Threshold, 1, 1_000_000);
    }
}

/// <summary>
/// Events per bucket (the rule's window) per entity against a learned baseline: an exponentially weighted
/// mean and variance (weight <see cref="Alpha"/>). A bucket fires when its count is at least
/// <see cref="MinEvents"/> and <see cref="ZThreshold"/> standard deviations above the mean, once
/// <see cref="WarmupBuckets"/> buckets have been learned.
/// </summary>
public sealed record RateAnomalyParameters(
    string By = EntityKinds.Service,
    string? EventType = null,
    double Alpha = 0.1,
    double ZThreshold = 4,
    int MinEvents = 20,
    int WarmupBuckets = 12) : IRuleParameters
{
    public IRuleParameters Normalized() => this;

    public void Validate(Validator v, string field)
    {
        v.OneOf($"{field}.by", By, EntityKinds.All);
        RuleParameters.EventTypeFilter(v, $"{field}.eventType", EventType, required: false);
        if (Alpha is not (>= 0.01 and <= 0.9))
        {
            v.Add($"{field}.alpha", "Must be between 0.01 and 0.9.");
        }
        if (ZThreshold is not (>= 1 and <= 50))
        {
            v.Add($"{field}.zThreshold", "Must be between 1 and 50.");
        }
        v.Range($"{field}.minEvents", MinEvents, 1, 1_000_000);
        v.Range($"{field}.warmupBuckets", WarmupBuckets, 2, 10_000);
    }
}

/// <summary>
/// A key (or user) seen from a network (IPv4 /<see cref="Ipv4PrefixLength"/>, IPv6 /<see cref="Ipv6PrefixLength"/>)
/// it was never seen from, once it has <see cref="MinKnownEvents"/> events of history.
/// </summary>
public sealed record NewNetworkParameters(
    string By = EntityKinds.Key,
    int Ipv4PrefixLength = 24,
    int Ipv6PrefixLength = 48,
    int MinKnownEvents = 10,
    bool SuccessOnly = true) : IRuleParameters
{
    public IRuleParameters Normalized() => this;

    public void Validate(Validator v, string field)
    {
        v.OneOf($"{field}.by", By, [EntityKinds.Key, EntityKinds.User]);
        v.Range($"{field}.ipv4PrefixLength", Ipv4PrefixLength, 8, 32);
        v.Range($"{field}.ipv6PrefixLength", Ipv6PrefixLength, 16, 128);
        v.Range($"{field}.minKnownEvents", MinKnownEvents, 0, 1_000_000);
    }
}

/// <summary>
/// Activity in an hour of the day (UTC) that holds less than <see cref="MaxShare"/> of the entity's
/// learned activity, once it has <see cref="MinHistoryEvents"/> events of history.
/// </summary>
public sealed record UnusualHoursParameters(
    string By = EntityKinds.User,
    string? EventType = null,
    int MinHistoryEvents = 100,
    double MaxShare = 0.01) : IRuleParameters
{
    public IRuleParameters Normalized() => this;

    public void Validate(Validator v, string field)
    {
        v.OneOf($"{field}.by", By, EntityKinds.All);
        RuleParameters.EventTypeFilter(v, $"{field}.eventType", EventType, required: false);
        v.Range($"{field}.minHistoryEvents", MinHistoryEvents, 10, 1_000_000);
        if (MaxShare is not (> 0 and <= 0.5))
        {
            v.Add($"{field}.maxShare", "Must be more than 0 and at most 0.5.");
        }
    }
}

/// <summary>Attempts to use a revoked key (events of these types whose attribute <c>reason</c> is <c>revoked</c>) per key within the window.</summary>
public sealed record RevokedKeyUseParameters(IReadOnlyList<string>? EventTypes = null, int Threshold = 1) : IRuleParameters
{
    public IRuleParameters Normalized() => this with { EventTypes = EventTypes ?? [SecurityEventTypes.KeyVerifyFailed] };

    public void Validate(Validator v, string field)
    {
        RuleParameters.EventTypeList(v, $"{field}.eventTypes", EventTypes, required: true);
        v.Range($"{field}.threshold", Threshold, 1, 1_000_000);
    }
}

/// <summary>Reads, checks and writes rule parameters. Shared so that a form can check them as the server will.</summary>
public static partial class RuleParameters
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public static Type ParameterType(string ruleType) => ruleType switch
    {
        RuleTypes.BruteForce => typeof(BruteForceParameters),
        RuleTypes.Threshold => typeof(ThresholdParameters),
        RuleTypes.RateAnomaly => typeof(RateAnomalyParameters),
        RuleTypes.NewNetwork => typeof(NewNetworkParameters),
        RuleTypes.UnusualHours => typeof(UnusualHoursParameters),
        RuleTypes.RevokedKeyUse => typeof(RevokedKeyUseParameters),
        _ => throw new ArgumentOutOfRangeException(nameof(ruleType), ruleType, "Unknown rule type."),
    };

    /// <summary>
    /// The parameters of a rule of <paramref name="ruleType"/>, normalized, or null with the fields at fault in
    /// <paramref name="v"/> (named <c>parameters.threshold</c> and so on). Missing parameters take their defaults.
    /// </summary>
    public static IRuleParameters? Parse(string ruleType, JsonElement? json, Validator v, string field = "parameters")
    {
        if (!RuleTypes.All.Contains(ruleType, StringComparer.Ordinal))
        {
            v.Add("type", $"Must be one of: {string.Join(", ", RuleTypes.All)}.");
            return null;
        }
        var element = json is { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } j ? j : Empty;
        if (element.ValueKind != JsonValueKind.Object)
        {
            v.Add(field, "Must be a JSON object of the rule type's parameters.");
            return null;
        }
        IRuleParameters? parsed;
        try
        {
            parsed = (IRuleParameters?)element.Deserialize(ParameterType(ruleType), Json);
        }
        catch (JsonException ex)
        {
            var unknown = UnmappedProperty().Match(ex.Message);
            if (unknown.Success)
            {
                v.Add($"{field}.{unknown.Groups[1].Value}", $"Is not a parameter of a {ruleType} rule.");
            }
            else
            {
                v.Add(FieldOf(field, ex.Path), "Has the wrong type for this parameter.");
            }
            return null;
        }
        if (parsed is null)
        {
            v.Add(field, "Must be a JSON object of the rule type's parameters.");
            return null;
        }
        parsed = parsed.Normalized();
        var before = v.Errors.Count;
        parsed.Validate(v, field);
        return v.Errors.Count == before ? parsed : null;
    }

    /// <summary>Parses parameters already known to be valid (as stored).</summary>
    public static IRuleParameters ParseStored(string ruleType, string json)
    {
        var v = new Validator();
        using var doc = JsonDocument.Parse(json);
        return Parse(ruleType, doc.RootElement.Clone(), v)
            ?? throw new InvalidOperationException($"Stored parameters of a {ruleType} rule are invalid: {string.Join("; ", v.Errors.Select(e => $"{e.Key}: {string.Join(' ', e.Value)}"))}");
    }

    public static string Serialize(IRuleParameters parameters) => JsonSerializer.Serialize(parameters, parameters.GetType(), Json);

    public static JsonElement ToElement(IRuleParameters parameters) => JsonSerializer.SerializeToElement(parameters, parameters.GetType(), Json);

    /// <summary>True when <paramref name="type"/> matches <paramref name="filter"/>: the same name, a prefix ending in <c>.*</c>, or <c>*</c>.</summary>
    public static bool TypeMatches(string filter, string type) =>
        filter == "*" || (filter.EndsWith(".*", StringComparison.Ordinal)
            ? type.StartsWith(filter.AsSpan(0, filter.Length - 1), StringComparison.Ordinal)
            : string.Equals(filter, type, StringComparison.Ordinal));

    internal static void EventTypeFilter(Validator v, string field, string? value, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                v.Add(field, "Give an event type, a prefix such as auth.*, or * for every type.");
            }
            return;
        }
        var name = value.EndsWith(".*", StringComparison.Ordinal) ? value[..^2] : value;
        if (value != "*" && !TypePattern().IsMatch(name))
        {
            v.Add(field, "Must be an event type (lower-case, e.g. auth.login_failed), a prefix such as auth.*, or *.");
        }
    }

    internal static void EventTypeList(Validator v, string field, IReadOnlyList<string>? values, bool required)
    {
        if (values is null || values.Count == 0)
        {
            if (required)
            {
                v.Add(field, "Give at least one event type.");
            }
            return;
        }
        if (values.Count > 20)
        {
            v.Add(field, "Give at most 20 event types.");
        }
        for (var i = 0; i < values.Count; i++)
        {
            EventTypeFilter(v, $"{field}[{i}]", values[i], required: true);
        }
    }

    internal static void EntityList(Validator v, string field, IReadOnlyList<string>? values, IReadOnlyList<string> allowed)
    {
        if (values is null || values.Count == 0)
        {
            v.Add(field, $"Give at least one of: {string.Join(", ", allowed)}.");
            return;
        }
        for (var i = 0; i < values.Count; i++)
        {
            v.OneOf($"{field}[{i}]", values[i], allowed);
        }
        if (values.Distinct().Count() != values.Count)
        {
            v.Add(field, "Each entity kind may appear once.");
        }
    }

    private static string FieldOf(string field, string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? field : field + (path.StartsWith("$.", StringComparison.Ordinal) ? path[1..] : path.TrimStart('$'));

    private static readonly JsonElement Empty = JsonDocument.Parse("{}").RootElement.Clone();

    [GeneratedRegex(SecurityEventLimits.TypePattern, RegexOptions.CultureInvariant)]
    internal static partial Regex TypePattern();

    [GeneratedRegex("The JSON property '([^']{1,64})' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedProperty();
}
