using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Hosting.ApiContract;

/// <summary>
/// Schemas as a generated client needs them: numbers are numbers (the server also reads "12" for 12, a leniency, not
/// the contract), free-form attribute maps take any JSON value, and fields checked by a shared rule in Console.Shared
/// carry that rule's limits, from the same constants the server checks with.
/// </summary>
public sealed class SchemaRulesTransformer : IOpenApiSchemaTransformer
{
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
        if (clr == typeof(SecurityEventInput))
        {
            Limit(schema, "type", maxLength: SecurityEventLimits.MaxTypeLength, pattern: SecurityEventLimits.TypePattern.Replace(@"\z", "$"),
                example: "auth.login_failed");
            Limit(schema, "source", maxLength: SecurityEventLimits.MaxSourceLength);
            Limit(schema, "actor", maxLength: SecurityEventLimits.MaxActorLength, example: "ana@example.com");
            Limit(schema, "keyPrefix", maxLength: SecurityEventLimits.MaxKeyPrefixLength);
            Limit(schema, "outcome", values: EventOutcomes.All);
            if (schema.Properties is { } fields && fields.TryGetValue("attributes", out var found) && found is OpenApiSchema attributes)
            {
                attributes.MaxProperties = SecurityEventLimits.MaxAttributes;
            }
        }
        return Task.CompletedTask;
    }

    private static void Limit(OpenApiSchema schema, string field, int? maxLength = null, string? pattern = null,
        IReadOnlyList<string>? values = null, string? example = null)
    {
        if (schema.Properties is not { } fields || !fields.TryGetValue(field, out var found) || found is not OpenApiSchema property)
        {
            throw new InvalidOperationException($"The schema has no field '{field}' to hold its shared rule: update SchemaRulesTransformer.");
        }
        property.MaxLength = maxLength ?? property.MaxLength;
        property.Pattern = pattern ?? property.Pattern;
        if (values is not null)
        {
            // Left out, the field takes its default; sent, it must be one of these.
            property.Enum = [.. values.Select(v => (JsonNode)v)];
        }
        if (example is not null)
        {
            property.Examples = [JsonValue.Create(example)];
        }
    }
}
