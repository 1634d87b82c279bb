using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Reads a batch event by event from the JSON document, so that a field of the wrong type in one event is that
/// event's error (<c>events[3].time</c>) and not a failure of the whole batch.
/// </summary>
public static partial class SecurityEventParser
{
    public sealed record Parsed(List<SecurityEvent> Accepted, List<int> AcceptedIndexes, List<EventError> Errors);

    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "type", "time", "source", "actor", "keyPrefix", "sourceIp", "outcome", "attributes",
    };

    /// <summary>The events of a batch: a JSON array, or an object with an <c>events</c> array. Null with a message when the batch itself is unusable.</summary>
    public static JsonElement? EventsOf(JsonElement root, Validator v)
    {
        // Looking a name up reads every name before it, and a lone surrogate escape in one throws (found by fuzzing).
        if (root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Any(p => !JsonText.Decodes(p, out _)))
        {
            v.Add("events", UnreadableText);
            return null;
        }
        var events = root.ValueKind switch
        {
            JsonValueKind.Array => root,
            JsonValueKind.Object when root.TryGetProperty("events", out var inner) && inner.ValueKind == JsonValueKind.Array => inner,
            _ => (JsonElement?)null,
        };
        if (events is null)
        {
            v.Add("events", "Send a JSON array of events, or an object with an \"events\" array.");
        }
        else if (events.Value.GetArrayLength() == 0)
        {
            v.Add("events", "Send at least one event.");
        }
        else if (events.Value.GetArrayLength() > SecurityEventLimits.MaxBatch)
        {
            v.Add("events", $"Send at most {SecurityEventLimits.MaxBatch} events per batch.");
        }
        return v.IsValid ? events : null;
    }

    /// <summary>
    /// Facts only the console can establish about the keys it issues. A service sending them could raise a critical
    /// "leaked and revoked" alert for a key nobody revoked, so they are refused from outside.
    /// </summary>
    private static readonly HashSet<string> ConsoleOnlyTypes =
    [
        SecurityEventTypes.KeyIssued, SecurityEventTypes.KeyRevoked, SecurityEventTypes.KeyRotated, SecurityEventTypes.KeyLeakReported,
    ];

    public static Parsed Parse(JsonElement events, DateTimeOffset now, string defaultSource, Guid? senderKeyId)
    {
        var result = new Parsed([], [], []);
        var index = 0;
        foreach (var item in events.EnumerateArray())
        {
            var v = new Validator();
            var e = ParseOne(item, now, defaultSource, senderKeyId, $"events[{index}]", v);
            if (e is not null && v.IsValid)
            {
                result.Accepted.Add(e);
                result.AcceptedIndexes.Add(index);
            }
            else
            {
                result.Errors.Add(new EventError(index, v.Errors.ToDictionary(x => x.Key, x => x.Value)));
            }
            index++;
        }
        return result;
    }

    private static SecurityEvent? ParseOne(JsonElement item, DateTimeOffset now, string defaultSource, Guid? senderKeyId, string at, Validator v)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            v.Add(at, "Each event must be a JSON object.");
            return null;
        }
        var unreadable = false;
        foreach (var property in item.EnumerateObject())
        {
            if (!JsonText.Decodes(property, out var name))
            {
                v.Add(at, UnreadableText);
                return null;
            }
            if (!Fields.Contains(name))
            {
                v.Add($"{at}.{name}", $"Is not a field of an event; fields are {string.Join(", ", Fields)}.");
            }
            else if (!JsonText.Decodes(property.Value, attributes: name == "attributes"))
            {
                v.Add($"{at}.{name}", name == "attributes" ? UnreadableAttributes : UnreadableText);
                unreadable = true;
            }
        }
        if (unreadable)
        {
            // Reading the fields would throw; what is wrong is already named.
            return null;
        }
        var type = Text(item, "type", at, v, SecurityEventLimits.MaxTypeLength, required: true);
        if (type is not null && !TypePattern().IsMatch(type))
        {
            v.Add($"{at}.type", "Must be lower-case letters, digits and . _ : - starting with a letter, e.g. auth.login_failed.");
        }
        var time = Time(item, at, now, v);
        var source = Text(item, "source", at, v, SecurityEventLimits.MaxSourceLength) ?? defaultSource;
        if (string.Equals(source, ConsoleSecurityEvents.Source, StringComparison.OrdinalIgnoreCase))
        {
            v.Add($"{at}.source", $"'{ConsoleSecurityEvents.Source}' is the console's own source; name your service instead.");
        }
        if (type is not null && ConsoleOnlyTypes.Contains(type))
        {
            v.Add($"{at}.type", type == SecurityEventTypes.KeyLeakReported
                ? "Only the console records this; report a leaked key to POST /api/v1/keys/leaked, which also revokes it."
                : "Only the console records this: it is a fact about its own keys.");
        }
        var actor = Text(item, "actor", at, v, SecurityEventLimits.MaxActorLength);
        var keyPrefix = Text(item, "keyPrefix", at, v, SecurityEventLimits.MaxKeyPrefixLength, tooLong: "Send only the key's prefix (e.g. sc_live_AbCd), never the whole key.");
        if (keyPrefix is not null && !KeyPrefixPattern().IsMatch(keyPrefix))
        {
            v.Add($"{at}.keyPrefix", "Must be the key's prefix: letters, digits and underscores, e.g. sc_live_AbCd.");
        }
        var ip = Text(item, "sourceIp", at, v, 64);
        if (ip is not null)
        {
            if (IPAddress.TryParse(ip, out var address))
            {
                ip = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            }
            else
            {
                v.Add($"{at}.sourceIp", "Must be an IPv4 or IPv6 address.");
            }
        }
        var outcome = Text(item, "outcome", at, v, 16) ?? EventOutcomes.Unknown;
        if (!EventOutcomes.All.Contains(outcome, StringComparer.Ordinal))
        {
            v.Add($"{at}.outcome", $"Must be one of: {string.Join(", ", EventOutcomes.All)}.");
        }
        var attributes = Attributes(item, at, v);
        if (!v.IsValid || type is null)
        {
            return null;
        }
        return new SecurityEvent
        {
            Type = type,
            Time = time ?? now,
            ReceivedAt = now,
            Source = source,
            Actor = actor,
            KeyPrefix = keyPrefix,
            SourceIp = ip,
            Outcome = outcome,
            Attributes = attributes,
            SenderKeyId = senderKeyId,
        };
    }

    private const string UnreadableText = "Must be valid UTF-8 text, without lone surrogate escapes such as \\ud800.";
    private const string UnreadableAttributes = UnreadableText + " Attribute names and values may hold no control characters but tabs and line breaks.";

    private static string? Text(JsonElement item, string name, string at, Validator v, int maxLength, bool required = false, string? tooLong = null)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                v.Add($"{at}.{name}", "This field is required.");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            v.Add($"{at}.{name}", "Must be a string.");
            return null;
        }
        var text = value.GetString()!.Trim();
        if (text.Length == 0)
        {
            if (required)
            {
                v.Add($"{at}.{name}", "This field is required.");
            }
            return null;
        }
        if (text.Length > maxLength)
        {
            v.Add($"{at}.{name}", tooLong ?? $"Must be at most {maxLength} characters.");
            return null;
        }
        if (text.Any(char.IsControl))
        {
            v.Add($"{at}.{name}", "Must not contain control characters.");
            return null;
        }
        return text;
    }

    private static DateTimeOffset? Time(JsonElement item, string at, DateTimeOffset now, Validator v)
    {
        if (!item.TryGetProperty("time", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var field = $"{at}.time";
        // An explicit offset or Z: a time without one would be read in the server's zone, silently.
        if (value.ValueKind != JsonValueKind.String || !ZonedTime().IsMatch(value.GetString()!)
            || !DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            v.Add(field, "Must be an ISO 8601 time with Z or an offset, e.g. 2026-11-23T10:15:00Z.");
            return null;
        }
        if (time > now + SecurityEventLimits.MaxSkew)
        {
            v.Add(field, "Lies in the future; check the sender's clock.");
        }
        else if (time < now - SecurityEventLimits.MaxAge)
        {
            v.Add(field, $"Is older than {SecurityEventLimits.MaxAge.TotalDays:0} days.");
        }
        return time.ToUniversalTime();
    }

    private static string? Attributes(JsonElement item, string at, Validator v)
    {
        if (!item.TryGetProperty("attributes", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        var field = $"{at}.attributes";
        if (value.ValueKind != JsonValueKind.Object)
        {
            v.Add(field, "Must be a JSON object.");
            return null;
        }
        var count = 0;
        foreach (var _ in value.EnumerateObject())
        {
            count++;
        }
        var raw = value.GetRawText();
        if (count > SecurityEventLimits.MaxAttributes)
        {
            v.Add(field, $"Give at most {SecurityEventLimits.MaxAttributes} attributes.");
        }
        else if (Encoding.UTF8.GetByteCount(raw) > SecurityEventLimits.MaxAttributesBytes)
        {
            v.Add(field, $"Must be at most {SecurityEventLimits.MaxAttributesBytes} bytes of JSON.");
        }
        return count == 0 ? null : raw;
    }

    [GeneratedRegex(SecurityEventLimits.TypePattern, RegexOptions.CultureInvariant)]
    private static partial Regex TypePattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPrefixPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex ZonedTime();
}
