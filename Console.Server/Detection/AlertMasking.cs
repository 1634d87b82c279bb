using System.Text.Json;
using System.Text.Json.Nodes;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// What one reader sees of alerts and events (ADR 0065). A reader with pii:read sees them in clear. A reader without it sees
/// every field known to hold personal data masked by what it holds, never by guessing inside text:
/// <list type="bullet">
/// <item>a person (a user entity, an event's actor, an assignee, a note's author): <c>m***@example.com #1a2b3c4d</c>, the
/// tag from the person's keyed pseudonym, so that one person can be followed across alerts without being named;</item>
/// <item>an address or a network: <c>203.0.*.*</c>, <c>203.0.*.*/24</c> (one form everywhere, as in the audit trail);</item>
/// <item>titles, summaries and occurrences: built from their typed parts (<see cref="PersonalText"/>), each part masked;
/// one written before parts were typed reads as the rule's name and the masked entity;</item>
/// <item>evidence (an alert's details, an event's attributes): known personal fields masked, numbers and known plain
/// fields kept, any other text hidden whole;</item>
/// <item>notes: free text that anyone may have typed a name into, hidden whole (the author, masked, and the time stay).</item>
/// </list>
/// Keys and services are the company's and read as they are.
/// </summary>
public sealed class AlertMasking(AuditKeys keys)
{
    /// <summary>The shape of alerts for this reader (the scope's caller): in clear with pii:read, else masked.</summary>
    public async ValueTask<AlertShape> ForAsync(Caller reader, CancellationToken ct) =>
        reader.Granted.Contains(Permissions.PiiRead) ? AlertShape.Clear : new AlertShape(await keys.PseudonymKeyAsync(ct));

    /// <summary>The masked shape, for a push to readers without pii:read.</summary>
    public async ValueTask<AlertShape> MaskedAsync(CancellationToken ct) => new(await keys.PseudonymKeyAsync(ct));
}

/// <summary>Alerts, notes and events as one reader sees them; <see cref="Clear"/> for readers with pii:read.</summary>
public sealed class AlertShape
{
    private readonly byte[]? _key;

    public AlertShape(byte[]? pseudonymKey) => _key = pseudonymKey;

    public static AlertShape Clear { get; } = new(null);

    public bool IsClear => _key is null;

    /// <summary>Fields of evidence that hold a person.</summary>
    private static readonly HashSet<string> PersonFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "actor", "user", "userName", "email", "reportedBy", "person", "name", "displayName", "fullName", "assignee",
    };

    /// <summary>Fields of evidence that hold an address.</summary>
    private static readonly HashSet<string> AddressFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "ip", "sourceIp", "ipAddress", "address", "clientIp", "remoteIp",
    };

    /// <summary>Fields of evidence that hold a network or networks.</summary>
    private static readonly HashSet<string> NetworkFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "network", "networks", "knownNetworks",
    };

    /// <summary>Text fields of evidence known to hold no personal data: event types, outcomes, key prefixes, services.</summary>
    private static readonly HashSet<string> PlainFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "lastType", "type", "eventType", "outcome", "keyPrefix", "key", "service", "source", "severity", "rule",
        "entityKind", "kind", "control", "status", "previous", "framework", "check",
    };

    public AlertView View(AlertView a)
    {
        if (IsClear)
        {
            return a with { Title = PersonalText.Reveal(a.Title)!, Summary = PersonalText.Reveal(a.Summary) };
        }
        var entity = Entity(a.EntityKind, a.EntityId);
        return a with
        {
            EntityId = entity,
            Title = PersonalText.Mask(a.Title, Person, untyped: $"{a.RuleName}: {entity}")!,
            Summary = PersonalText.Mask(a.Summary, Person),
            AssigneeEmail = a.AssigneeEmail is null || a.AssigneeUserId is null ? a.AssigneeEmail : User(a.AssigneeUserId, a.AssigneeEmail),
            Details = Evidence(a.Details),
        };
    }

    public AlertNoteView Note(AlertNoteView n) => IsClear ? n : n with
    {
        AuthorEmail = n.AuthorEmail is null ? null : User(n.AuthorUserId, n.AuthorEmail),
        Text = Masking.Hidden,
    };

    public AlertOccurrenceView Occurrence(AlertOccurrenceView o) =>
        o with { Title = IsClear ? PersonalText.Reveal(o.Title)! : PersonalText.Mask(o.Title, Person)! };

    public SecurityEventView Event(SecurityEventView e) => IsClear ? e : e with
    {
        Actor = e.Actor is null ? null : Person(e.Actor),
        SourceIp = e.SourceIp is null ? null : Masking.Ip(e.SourceIp),
        Attributes = Evidence(e.Attributes),
    };

    public AlertDetail Detail(AlertDetail d) => new(
        View(d.Alert), [.. d.Notes.Select(Note)], [.. d.RecentEvents.Select(Event)], [.. d.Occurrences.Select(Occurrence)]);

    public AlertPage Page(AlertPage p) => p with { Items = [.. p.Items.Select(View)] };

    public AlertChanges Changes(AlertChanges c) => c with { Items = [.. c.Items.Select(View)] };

    public EventPage Events(EventPage p) => IsClear ? p : p with { Items = [.. p.Items.Select(Event)] };

    public DetectionSummary Summary(DetectionSummary s) => s with { Newest = [.. s.Newest.Select(View)] };

    /// <summary>An entity id as this reader sees it: a person or an address masked, a key or a service as it is.</summary>
    public string Entity(string kind, string id) => IsClear ? id : kind switch
    {
        EntityKinds.User => Person(id),
        EntityKinds.Ip => Masking.Ip(id),
        _ => id,
    };

    /// <summary>A person named by an event (an account or an e-mail address): masked, with the tag of its pseudonym.</summary>
    public string Person(string value)
    {
        if (IsClear)
        {
            return value;
        }
        var normal = value.Trim().ToLowerInvariant();
        var subject = normal.Contains('@') ? $"email:{normal}" : $"account:{normal}";
        return $"{Masking.Person(normal)} #{AuditKeys.Pseudonym(_key!, subject)[..8]}";
    }

    /// <summary>A console user (assignee, note author): masked e-mail and the tag the audit trail gives the same person.</summary>
    private string User(string userId, string email) =>
        $"{Masking.Email(email)} #{AuditKeys.Pseudonym(_key!, AuditTrail.UserSubject(userId))[..8]}";

    private JsonElement? Evidence(JsonElement? evidence)
    {
        if (IsClear || evidence is not { } e)
        {
            return evidence;
        }
        var node = JsonNode.Parse(e.GetRawText());
        var masked = MaskNode(node, null);
        return masked is null ? null : JsonSerializer.SerializeToElement(masked);
    }

    private JsonNode? MaskNode(JsonNode? node, string? field)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    copy[name] = MaskNode(value, name);
                }
                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(MaskNode(item, field));
                }
                return items;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                return JsonValue.Create(field switch
                {
                    not null when PersonFields.Contains(field) || field.EndsWith("email", StringComparison.OrdinalIgnoreCase) => Person(text),
                    not null when AddressFields.Contains(field) => Masking.Ip(text),
                    not null when NetworkFields.Contains(field) => Masking.Network(text),
                    not null when PlainFields.Contains(field) => text,
                    _ => Masking.Hidden,
                });
            default:
                return node?.DeepClone();
        }
    }
}
