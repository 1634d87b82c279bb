using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

/// <summary>
/// A rule's form values as text, turned into the API's parameters, and checked before sending where the form
/// knows the rule (a number, a range, an id's shape); the server checks everything again and names the field.
/// </summary>
public static partial class RuleForm
{
    /// <summary>Parameters as the fields show them: lists comma-separated, null for none.</summary>
    public static Dictionary<string, string?> Values(JsonElement parameters)
    {
        var values = new Dictionary<string, string?>();
        if (parameters.ValueKind != JsonValueKind.Object)
        {
            return values;
        }
        foreach (var p in parameters.EnumerateObject())
        {
            values[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Array => string.Join(", ", p.Value.EnumerateArray().Select(v => v.ToString())),
                JsonValueKind.Null => null,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => p.Value.ToString(),
            };
        }
        return values;
    }

    public static JsonElement Build(IReadOnlyList<RuleParameterInfo> parameters, IReadOnlyDictionary<string, string?> values)
    {
        var json = new JsonObject();
        foreach (var p in parameters)
        {
            var text = values.GetValueOrDefault(p.Name)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }
            json[p.Name] = p.Kind switch
            {
                "int" when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => JsonValue.Create(i),
                "number" when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                "bool" => JsonValue.Create(text == "true"),
                "eventTypes" or "entities" => new JsonArray([.. List(text).Select(s => (JsonNode?)JsonValue.Create(s))]),
                // A number that does not parse goes as text: the server names the field.
                _ => JsonValue.Create(text),
            };
        }
        return JsonSerializer.SerializeToElement(json);
    }

    /// <summary>What the form can tell at once about the parameters: numbers that are not numbers or out of range, choices not offered.</summary>
    public static Dictionary<string, string[]> Check(IReadOnlyList<RuleParameterInfo> parameters, IReadOnlyDictionary<string, string?> values)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var p in parameters)
        {
            var text = values.GetValueOrDefault(p.Name)?.Trim();
            var field = $"parameters.{p.Name}";
            if (string.IsNullOrEmpty(text))
            {
                if (p.Kind is "int" or "number")
                {
                    errors[field] = [$"Enter {Range(p, "a number")}."];
                }
                continue;
            }
            switch (p.Kind)
            {
                case "int" when !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || !Within(p, i):
                    errors[field] = [$"Must be {Range(p, "a whole number")}."];
                    break;
                case "number" when !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !Within(p, d):
                    errors[field] = [$"Must be {Range(p, "a number")}."];
                    break;
                case "entities" when p.Options is { } options && List(text).FirstOrDefault(e => !options.Contains(e)) is { } unknown:
                    errors[field] = [$"'{unknown}' is not one of {string.Join(", ", options)}."];
                    break;
            }
        }
        return errors;
    }

    /// <summary>A new rule's own fields: its id's shape, a name, the window and grouping within their limits.</summary>
    public static Dictionary<string, string[]> CheckRule(string? id, string? name, int windowSeconds, int groupingSeconds)
    {
        var errors = new Dictionary<string, string[]>();
        if (id is not null && !DetectionRuleCreate.IsValidId(id))
        {
            errors["id"] = [DetectionRuleCreate.IdMessage];
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["Give the rule a name: alerts show it."];
        }
        if (windowSeconds is < RuleLimits.MinWindowSeconds or > RuleLimits.MaxWindowSeconds)
        {
            errors["windowSeconds"] = [$"Must be between {RuleLimits.MinWindowSeconds} seconds and {RuleLimits.MaxWindowSeconds / 3600} hours ({RuleLimits.MaxWindowSeconds:N0} s)."];
        }
        if (groupingSeconds is < 0 or > RuleLimits.MaxGroupingSeconds)
        {
            errors["groupingSeconds"] = [$"Must be between 0 and {RuleLimits.MaxGroupingSeconds / 86_400} days ({RuleLimits.MaxGroupingSeconds:N0} s)."];
        }
        return errors;
    }

    /// <summary>"Refund burst (payments)" → "refund-burst-payments": a suggestion for the id while the admin types the name.</summary>
    public static string SuggestId(string? name)
    {
        var slug = NonSlug().Replace((name ?? "").Trim().ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 0 && !char.IsAsciiLetterLower(slug[0]))
        {
            slug = "rule-" + slug;
        }
        return slug.Length > 64 ? slug[..64].TrimEnd('-') : slug;
    }

    private static IEnumerable<string> List(string text) => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static bool Within(RuleParameterInfo p, double x) => (p.Min is not { } min || x >= min) && (p.Max is not { } max || x <= max);

    private static string Range(RuleParameterInfo p, string what) => (p.Min, p.Max) switch
    {
        ({ } min, { } max) => $"{what} from {Number(min)} to {Number(max)}",
        ({ } min, null) => $"{what} of at least {Number(min)}",
        (null, { } max) => $"{what} of at most {Number(max)}",
        _ => what,
    };

    private static string Number(double x) => x.ToString(x % 1 == 0 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonSlug();
}
