using System.Text.Json.Nodes;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// What a client built against <c>baseline</c> would find broken in <c>current</c>: an operation gone, a response field
/// or an enum value gone, a request made stricter (a new required parameter or field, a narrower limit, a value no
/// longer accepted). Anything added is fine. Both are OpenAPI 3.1 documents as the console writes them.
/// </summary>
public static class ApiBreakingChanges
{
    public static IReadOnlyList<string> Between(JsonNode baseline, JsonNode current)
    {
        var breaks = new List<string>();
        foreach (var (path, item) in baseline["paths"]!.AsObject())
        {
            foreach (var (method, before) in item!.AsObject())
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                if (current["paths"]?[path]?[method] is not { } after)
                {
                    breaks.Add($"{name}: the operation is gone");
                    continue;
                }
                CompareParameters(name, before!, after, breaks);
                var beforeBody = Json(before!["requestBody"]);
                var afterBody = Json(after["requestBody"]);
                if (beforeBody is not null && afterBody is not null)
                {
                    Request(new Side(baseline, beforeBody), new Side(current, afterBody), $"{name} request", breaks, []);
                }
                else if (beforeBody is null && afterBody is not null && after["requestBody"]?["required"]?.GetValue<bool>() == true)
                {
                    breaks.Add($"{name}: a request body is now required");
                }
                foreach (var (status, response) in before["responses"]?.AsObject() ?? [])
                {
                    if (!status.StartsWith('2') || Json(response, baseline) is not { } beforeSchema)
                    {
                        continue;
                    }
                    if (Json(after["responses"]?[status], current) is not { } afterSchema)
                    {
                        breaks.Add($"{name}: the {status} answer no longer has a JSON body");
                        continue;
                    }
                    Response(new Side(baseline, beforeSchema), new Side(current, afterSchema), $"{name} {status}", breaks, []);
                }
            }
        }
        return breaks;
    }

    private sealed record Side(JsonNode Document, JsonNode Schema)
    {
        public Side At(JsonNode schema) => this with { Schema = schema };
    }

    private static void CompareParameters(string name, JsonNode before, JsonNode after, List<string> breaks)
    {
        var old = (before["parameters"]?.AsArray() ?? []).ToDictionary(p => $"{p!["in"]}:{p["name"]}", p => p!);
        foreach (var parameter in after["parameters"]?.AsArray() ?? [])
        {
            var key = $"{parameter!["in"]}:{parameter["name"]}";
            var required = parameter["required"]?.GetValue<bool>() == true;
            if (!old.TryGetValue(key, out var was))
            {
                if (required)
                {
                    breaks.Add($"{name}: new required parameter {parameter["name"]}");
                }
                continue;
            }
            if (required && was["required"]?.GetValue<bool>() != true)
            {
                breaks.Add($"{name}: parameter {parameter["name"]} is now required");
            }
            if (was["schema"] is { } s1 && parameter["schema"] is { } s2)
            {
                Limits(s1, s2, $"{name} parameter {parameter["name"]}", breaks);
            }
        }
    }

    /// <summary>A response must still carry every field and enum value it had: a client may read any of them.</summary>
    private static void Response(Side before, Side after, string where, List<string> breaks, HashSet<string> seen)
    {
        var b = Resolve(before);
        var a = Resolve(after);
        if (!seen.Add($"{where}|{b.Schema.ToJsonString().GetHashCode()}"))
        {
            return;
        }
        foreach (var value in Enum(b.Schema).Except(Enum(a.Schema)))
        {
            breaks.Add($"{where}: enum value '{value}' is gone");
        }
        foreach (var (field, schema) in Properties(b.Schema))
        {
            if (Properties(a.Schema).FirstOrDefault(p => p.Name == field) is not ({ } _, { } afterField))
            {
                breaks.Add($"{where}: field '{field}' is gone");
                continue;
            }
            Response(b.At(schema), a.At(afterField), $"{where}.{field}", breaks, seen);
        }
        if (Items(b.Schema) is { } beforeItems && Items(a.Schema) is { } afterItems)
        {
            Response(b.At(beforeItems), a.At(afterItems), $"{where}[]", breaks, seen);
        }
    }

    /// <summary>A request must still accept what it accepted: no new required field, no narrower limit, no value refused.</summary>
    private static void Request(Side before, Side after, string where, List<string> breaks, HashSet<string> seen)
    {
        var b = Resolve(before);
        var a = Resolve(after);
        if (!seen.Add($"{where}|{b.Schema.ToJsonString().GetHashCode()}"))
        {
            return;
        }
        Limits(b.Schema, a.Schema, where, breaks);
        var required = Required(b.Schema);
        foreach (var field in Required(a.Schema).Except(required))
        {
            breaks.Add($"{where}: field '{field}' is now required");
        }
        var afterFields = Properties(a.Schema).ToDictionary(p => p.Name, p => p.Schema);
        foreach (var (field, schema) in Properties(b.Schema))
        {
            if (afterFields.TryGetValue(field, out var afterField))
            {
                Request(b.At(schema), a.At(afterField), $"{where}.{field}", breaks, seen);
            }
        }
        if (Items(b.Schema) is { } beforeItems && Items(a.Schema) is { } afterItems)
        {
            Request(b.At(beforeItems), a.At(afterItems), $"{where}[]", breaks, seen);
        }
    }

    private static void Limits(JsonNode before, JsonNode after, string where, List<string> breaks)
    {
        foreach (var (keyword, tighter) in new (string, Func<decimal, decimal, bool>)[]
        {
            ("maxLength", (b, a) => a < b), ("maxItems", (b, a) => a < b), ("maximum", (b, a) => a < b),
            ("minLength", (b, a) => a > b), ("minItems", (b, a) => a > b), ("minimum", (b, a) => a > b),
        })
        {
            var b = Number(before[keyword]);
            var a = Number(after[keyword]);
            if ((a is not null && b is null) || (a is not null && b is not null && tighter(b.Value, a.Value)))
            {
                breaks.Add($"{where}: {keyword} narrowed from {b?.ToString() ?? "none"} to {a}");
            }
        }
        if (after["pattern"] is { } pattern && before["pattern"]?.GetValue<string>() != pattern.GetValue<string>())
        {
            breaks.Add($"{where}: pattern changed to {pattern}");
        }
        var beforeEnum = Enum(before).ToList();
        if (beforeEnum.Count > 0 || Enum(after).Any())
        {
            foreach (var value in (beforeEnum.Count == 0 ? ["(any value)"] : beforeEnum).Except(Enum(after)))
            {
                breaks.Add($"{where}: value '{value}' is no longer accepted");
            }
        }
    }

    private static JsonNode? Json(JsonNode? bodyOrResponse, JsonNode? document = null)
    {
        if (bodyOrResponse?["$ref"] is { } reference && document is not null)
        {
            bodyOrResponse = Pointer(document, reference.GetValue<string>());
        }
        var content = bodyOrResponse?["content"]?.AsObject();
        return content?.FirstOrDefault(c => c.Key.Contains("json", StringComparison.Ordinal)).Value?["schema"];
    }

    /// <summary>Follows $ref, and unwraps "null or X" (oneOf/anyOf), to the schema that says what the value is.</summary>
    private static Side Resolve(Side side)
    {
        var schema = side.Schema;
        for (var depth = 0; depth < 20; depth++)
        {
            if (schema["$ref"] is { } reference)
            {
                schema = Pointer(side.Document, reference.GetValue<string>());
                continue;
            }
            var variants = (schema["oneOf"] ?? schema["anyOf"])?.AsArray().Where(v => v?["type"]?.ToString() != "null").ToList();
            if (variants is { Count: 1 })
            {
                schema = variants[0]!;
                continue;
            }
            break;
        }
        return side.At(schema);
    }

    private static JsonNode Pointer(JsonNode document, string reference) =>
        reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Aggregate(document, (node, part) => node[part.Replace("~1", "/").Replace("~0", "~")]
                ?? throw new InvalidOperationException($"{reference} does not resolve"));

    private static IEnumerable<(string Name, JsonNode Schema)> Properties(JsonNode schema) =>
        schema["properties"]?.AsObject().Select(p => (p.Key, p.Value!)) ?? [];

    private static IEnumerable<string> Required(JsonNode schema) =>
        schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [];

    private static JsonNode? Items(JsonNode schema) => schema["items"];

    private static IEnumerable<string> Enum(JsonNode schema) =>
        schema["enum"]?.AsArray().Select(v => v?.ToJsonString() ?? "null") ?? [];

    private static decimal? Number(JsonNode? node) => node?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? node.GetValue<decimal>() : null;
}
