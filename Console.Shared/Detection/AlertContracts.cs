using System.Text.Json;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Detection;

public static class AlertStatuses
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string FalsePositive = "false_positive";

    public static IReadOnlyList<string> All { get; } = [Open, Acknowledged, Resolved, FalsePositive];

    /// <summary>Open and acknowledged alerts still need someone; new hits group into them.</summary>
    public static bool IsActive(string status) => status is Open or Acknowledged;
}

public static class AlertSeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";

    /// <summary>Most severe first, the order screens show them in.</summary>
    public static IReadOnlyList<string> All { get; } = [Critical, High, Medium, Low];

    public static int Rank(string severity) => severity switch
    {
        Critical => 4,
        High => 3,
        Medium => 2,
        Low => 1,
        _ => 0,
    };
}

/// <summary>What an alert is about: an API key (by prefix), a user (as the event named them), a source address, a service.</summary>
public static class EntityKinds
{
    public const string Key = "key";
    public const string User = "user";
    public const string Ip = "ip";
    public const string Service = "service";

    /// <summary>A compliance control: alerts the console raises about its own state (never a rule's grouping).</summary>
    public const string Control = "control";

    /// <summary>What detection rules group events by.</summary>
    public static IReadOnlyList<string> All { get; } = [Key, User, Ip, Service];

    /// <summary>What an alert can be about: the rules' kinds and compliance controls.</summary>
    public static IReadOnlyList<string> OfAlerts { get; } = [Key, User, Ip, Service, Control];
}

/// <summary>
/// One alert. <see cref="Title"/> says what happened, to or by whom, how much against what normal, over what window;
/// <see cref="Summary"/> (when the rule gives one) the evidence behind it. <see cref="Count"/> is how many detections
/// were grouped into it (same rule and entity within the rule's grouping window); <see cref="Version"/> grows with
/// every change, so a client that hears of the same alert twice (live and from catch-up) keeps the higher version.
/// </summary>
public sealed record AlertView(
    long Id,
    string RuleId,
    string RuleName,
    string RuleType,
    string Severity,
    string Status,
    string EntityKind,
    string EntityId,
    string Title,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int Count,
    string? AssigneeUserId,
    string? AssigneeEmail,
    int NoteCount,
    JsonElement? Details,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt,
    int Version,
    string? Summary = null);

public sealed record AlertNoteView(long Id, string AuthorUserId, string? AuthorEmail, string Text, DateTimeOffset CreatedAt);

/// <summary>One detection grouped into an alert: when its rule fired, what it said then, and the event that tipped it.</summary>
public sealed record AlertOccurrenceView(DateTimeOffset At, string Title, long EventId);

/// <summary>
/// One alert with its notes, its occurrences (newest first, at most 100 of <see cref="AlertView.Count"/>) and the
/// entity's events around it (newest first, at most 50).
/// </summary>
public sealed record AlertDetail(
    AlertView Alert,
    IReadOnlyList<AlertNoteView> Notes,
    IReadOnlyList<SecurityEventView> RecentEvents,
    IReadOnlyList<AlertOccurrenceView> Occurrences);

/// <summary>
/// Alerts newest first. <see cref="NextBefore"/> pages on; <see cref="ChangesCursor"/> is where a client that
/// shows this page should start <c>GET /api/v1/alerts/changes?since=</c> after a reconnect.
/// </summary>
public sealed record AlertPage(IReadOnlyList<AlertView> Items, long? NextBefore, string ChangesCursor);

/// <summary>
/// Alerts changed since a cursor, oldest change first. Call again with <see cref="Cursor"/> while
/// <see cref="HasMore"/>. The last seconds are sent again on the next call (a change committing late is not
/// missed), so apply items by id, keeping the higher version.
/// </summary>
public sealed record AlertChanges(IReadOnlyList<AlertView> Items, string Cursor, bool HasMore);

public sealed record AlertAssignRequest(string? AssigneeUserId) : IValidatable
{
    public void Validate(Validator v) => v.Optional("assigneeUserId", AssigneeUserId, 450);
}

/// <summary>Acknowledge, resolve, mark false positive or reopen, with an optional comment (required for a false positive).</summary>
public sealed record AlertActionRequest(string? Comment = null) : IValidatable
{
    public const int MaxLength = 2000;

    public void Validate(Validator v)
    {
        v.Optional("comment", Comment, MaxLength, TextKind.MultiLine);
    }
}

public sealed record AlertNoteRequest(string Text) : IValidatable
{
    public const int MaxLength = 4000;

    public void Validate(Validator v) => v.Required("text", Text, MaxLength, TextKind.MultiLine);
}

public sealed record SeverityCount(string Severity, int Count);

public sealed record MinuteCount(DateTimeOffset Minute, int Count);

/// <summary>What the Dashboard shows of detection.</summary>
public sealed record DetectionSummary(
    IReadOnlyList<SeverityCount> OpenBySeverity,
    int OpenTotal,
    int EventsLastMinute,
    IReadOnlyList<MinuteCount> EventsPerMinute,
    IReadOnlyList<AlertView> Newest);

/// <summary>The payload of <c>StatsChanged</c> on the alerts hub, sent every few seconds while something changes.</summary>
public sealed record DetectionStats(IReadOnlyList<SeverityCount> OpenBySeverity, int OpenTotal, int EventsLastMinute, DateTimeOffset At);

/// <summary>Someone alerts can be assigned to.</summary>
public sealed record AlertAssignee(string UserId, string Email);
