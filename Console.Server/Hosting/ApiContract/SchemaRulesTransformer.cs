using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>
/// Schemas as a generated client needs them: numbers are numbers (the server also reads "12" for 12, a leniency, not
/// the contract), free-form attribute maps take any JSON value, and fields checked by a shared rule in Console.Shared
/// carry that rule's limits, from the same constants the server checks with (<see cref="Rules"/>).
/// </summary>
public sealed class SchemaRulesTransformer : IOpenApiSchemaTransformer
{
    /// <summary>One field's documented limits.</summary>
    public sealed record Rule(string Field, int? MaxLength = null, string? Pattern = null, IReadOnlyList<string>? Values = null,
        long? Minimum = null, long? Maximum = null, int? MinItems = null, int? MaxItems = null, IReadOnlyList<string>? ItemValues = null,
        string? Example = null);

    /// <summary>The wire records whose validation lives in Console.Shared, and what it checks, field by field.</summary>
    public static IReadOnlyDictionary<Type, Rule[]> Rules { get; } = new Dictionary<Type, Rule[]>
    {
        [typeof(SecurityEventInput)] =
        [
            new("type", MaxLength: SecurityEventLimits.MaxTypeLength, Pattern: SecurityEventLimits.TypePattern.Replace(@"\z", "$"), Example: "auth.login_failed"),
            new("source", MaxLength: SecurityEventLimits.MaxSourceLength),
            new("actor", MaxLength: SecurityEventLimits.MaxActorLength, Example: "ana@example.com"),
            new("keyPrefix", MaxLength: SecurityEventLimits.MaxKeyPrefixLength),
            // Left out, an outcome is "unknown"; sent, it must be one of these.
            new("outcome", Values: EventOutcomes.All),
        ],
        [typeof(KeyRequestCreate)] =
        [
            new("service", MaxLength: 128, Example: "billing-api"),
            new("environment", Values: KeyEnvironments.All),
            new("scopes", MinItems: 1, ItemValues: Permissions.All),
            new("lifetimeDays", Minimum: 1, Maximum: KeyRequestCreate.MaxLifetimeDays),
            new("rateLimitPerMinute", Minimum: 1, Maximum: KeyRequestCreate.MaxRateLimitPerMinute),
            new("ipAllowList", MaxItems: 32),
        ],
        [typeof(DetectionRuleCreate)] = RuleFields(),
        [typeof(DetectionRuleUpdate)] = RuleFields(),
        [typeof(AlertActionRequest)] = [new("comment", MaxLength: AlertActionRequest.MaxLength)],
        [typeof(AlertNoteRequest)] = [new("text", MaxLength: AlertNoteRequest.MaxLength)],
    };

    private static Rule[] RuleFields() =>
    [
        new("name", MaxLength: RuleLimits.MaxNameLength),
        new("description", MaxLength: RuleLimits.MaxDescriptionLength),
        new("severity", Values: AlertSeverities.All),
        new("windowSeconds", Minimum: RuleLimits.MinWindowSeconds, Maximum: RuleLimits.MaxWindowSeconds),
        new("groupingSeconds", Minimum: 0, Maximum: RuleLimits.MaxGroupingSeconds),
    ];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && (type & JsonSchemaType.String) != 0 && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0)
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        var clr = context.JsonTypeInfo.Type;
        if (schema.AdditionalProperties is null && clr.IsGenericType
            && clr.GetGenericArguments() is [var keyType, var valueType] && keyType == typeof(string) && valueType == typeof(JsonElement)
            && typeof(IEnumerable<KeyValuePair<string, JsonElement>>).IsAssignableFrom(clr))
        {
            schema.AdditionalProperties = new OpenApiSchema();
        }
        if (clr == typeof(SecurityEventInput) && Field(schema, "attributes") is { } attributes)
        {
            attributes.MaxProperties = SecurityEventLimits.MaxAttributes;
        }
        foreach (var rule in Rules.GetValueOrDefault(clr) ?? [])
        {
            Apply(Field(schema, rule.Field)
                ?? throw new InvalidOperationException($"{clr.Name} has no field '{rule.Field}' to hold its shared rule: update SchemaRulesTransformer.Rules."), rule);
        }
        return Task.CompletedTask;
    }

    private static OpenApiSchema? Field(OpenApiSchema schema, string name) =>
        schema.Properties is { } fields && fields.TryGetValue(name, out var found) ? found as OpenApiSchema : null;

    private static void Apply(OpenApiSchema property, Rule rule)
    {
        property.MaxLength = rule.MaxLength ?? property.MaxLength;
        property.Pattern = rule.Pattern ?? property.Pattern;
        property.Minimum = rule.Minimum?.ToString(CultureInfo.InvariantCulture) ?? property.Minimum;
        property.Maximum = rule.Maximum?.ToString(CultureInfo.InvariantCulture) ?? property.Maximum;
        property.MinItems = rule.MinItems ?? property.MinItems;
        property.MaxItems = rule.MaxItems ?? property.MaxItems;
        if (rule.Values is { } values)
        {
            property.Enum = [.. values.Select(v => (JsonNode)v)];
        }
        if (rule.ItemValues is { } itemValues && property.Items is OpenApiSchema items)
        {
            items.Enum = [.. itemValues.Select(v => (JsonNode)v)];
        }
        if (rule.Example is { } example)
        {
            property.Examples = [JsonValue.Create(example)];
        }
    }
}
