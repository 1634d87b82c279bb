using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Fuzz.Harnesses;

/// <summary>
/// The body of POST /api/v1/events, read as the endpoint reads it. Malformed JSON is the documented 400 (JsonException);
/// everything else must end in accepted events or errors by index, and every accepted event must be one the store and
/// the detection rules can take (lengths, no control characters, valid text, attributes the rules can read).
/// </summary>
public sealed class EventParserHarness : IFuzzHarness
{
    /// <summary>Fixed, so that a corpus input answers the same on every run; seeds carry times near it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static readonly Regex TypePattern = new(SecurityEventLimits.TypePattern, RegexOptions.CultureInvariant);
    private static readonly string[] RuleAttributes = ["reason", "reportedBy", "outcome"];

    public string Name => "events";

    public void Run(ReadOnlySpan<byte> input)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return;
        }
        using (document)
        {
            var v = new Validator();
            if (SecurityEventParser.EventsOf(document.RootElement, v) is not { } events)
            {
                FuzzHarnesses.Check(!v.IsValid, "a batch refused without a reason");
                return;
            }
            var parsed = SecurityEventParser.Parse(events, Now, "fuzz-service", Guid.Empty);
            FuzzHarnesses.Check(parsed.Accepted.Count + parsed.Errors.Count == events.GetArrayLength(), "every event is accepted or has errors");
            FuzzHarnesses.Check(parsed.Errors.All(e => e.Errors.Count > 0), "a refused event names what is wrong");
            foreach (var e in parsed.Accepted)
            {
                Storable(e);
            }
        }
    }

    private static void Storable(SecurityEvent e)
    {
        FuzzHarnesses.Check(TypePattern.IsMatch(e.Type) && e.Type.Length <= SecurityEventLimits.MaxTypeLength, "type has the documented shape");
        Text(e.Type, SecurityEventLimits.MaxTypeLength, "type");
        Text(e.Source, SecurityEventLimits.MaxSourceLength, "source");
        Text(e.Actor, SecurityEventLimits.MaxActorLength, "actor");
        Text(e.KeyPrefix, SecurityEventLimits.MaxKeyPrefixLength, "keyPrefix");
        Text(e.SourceIp, 45, "sourceIp");
        FuzzHarnesses.Check(e.SourceIp is null || IPAddress.TryParse(e.SourceIp, out _), "sourceIp is an address");
        FuzzHarnesses.Check(EventOutcomes.All.Contains(e.Outcome), "outcome is one of the documented values");
        FuzzHarnesses.Check(!string.Equals(e.Source, ConsoleSecurityEvents.Source, StringComparison.OrdinalIgnoreCase), "no service sends as the console");
        FuzzHarnesses.Check(e.Time >= Now - SecurityEventLimits.MaxAge && e.Time <= Now + SecurityEventLimits.MaxSkew, "time within the accepted window");
        if (e.Attributes is { } attributes)
        {
            FuzzHarnesses.Check(Encoding.UTF8.GetByteCount(attributes) <= SecurityEventLimits.MaxAttributesBytes, "attributes within their size");
            Text(attributes, 8192, "attributes", allowControl: true);
            // The rules read attributes from the stored text; none of those reads may throw.
            // The rules read attributes from the stored text into alert wording; no read may throw, and what they read must
            // be storable text again (PostgreSQL refuses NUL).
            using var stored = JsonDocument.Parse(attributes);
            foreach (var name in RuleAttributes.Concat(stored.RootElement.EnumerateObject().Select(p => p.Name)))
            {
                if (e.Attribute(name) is { } value)
                {
                    FuzzHarnesses.Check(!value.Contains('\0') && FuzzHarnesses.IsValidUnicode(value), $"attribute '{name}' reads back as storable text");
                }
            }
        }
    }

    private static void Text(string? text, int max, string field, bool allowControl = false)
    {
        if (text is null)
        {
            return;
        }
        FuzzHarnesses.Check(text.Length <= max, $"{field} within its column");
        FuzzHarnesses.Check(allowControl || !text.Any(char.IsControl), $"{field} has no control characters");
        // Both databases store UTF-8: a lone surrogate cannot be written (Npgsql throws), so it must not be accepted.
        FuzzHarnesses.Check(FuzzHarnesses.IsValidUnicode(text), $"{field} is valid Unicode text");
    }
}
