using System.Text.Json;

namespace SecurityConsole.Shared.Detection;

/// <summary>The event types the console itself emits. Services may send any type that matches <see cref="SecurityEventLimits.TypePattern"/>.</summary>
public static class SecurityEventTypes
{
    /// <summary>A key verification was refused; attribute <c>reason</c> is one of the verify reasons.</summary>
    public const string KeyVerifyFailed = "key.verify_failed";
    public const string KeyRateLimited = "key.rate_limited";

    /// <summary>A key was used from a network: emitted at most once an hour per key and network, not per use.</summary>
    public const string KeyUsed = "key.used";
    public const string KeyIssued = "key.issued";
    public const string KeyRevoked = "key.revoked";
    public const string KeyRotated = "key.rotated";
    public const string KeyLeakReported = "key.leak_reported";
    public const string LoginSucceeded = "auth.login_succeeded";
    public const string LoginFailed = "auth.login_failed";
    public const string Lockout = "auth.lockout";
}

public static class EventOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
    public const string Error = "error";
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } = [Success, Failure, Denied, Error, Unknown];
}

/// <summary>What one event may carry; the server checks each event of a batch against these.</summary>
public static class SecurityEventLimits
{
    public const int MaxBatch = 1000;
    public const int MaxTypeLength = 64;
    public const int MaxSourceLength = 128;
    public const int MaxActorLength = 256;
    public const int MaxKeyPrefixLength = 32;
    public const int MaxAttributes = 32;
    public const int MaxAttributesBytes = 4096;

    /// <summary>How far in the past an event's time may lie; older events would fall outside every rule's window.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    /// <summary>How far in the future (clock skew) an event's time may lie.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>Lower-case dotted names: <c>auth.login_failed</c>, <c>payments.refund</c>.</summary>
    public const string TypePattern = @"^[a-z][a-z0-9_.:-]{0,63}\z";
}

/// <summary>
/// One event as a service sends it in <c>POST /api/v1/events</c> (a JSON array of these, or <c>{"events": [...]}</c>).
/// Only <see cref="Type"/> is required: time defaults to the arrival time, source to the sending key's service.
/// </summary>
public sealed record SecurityEventInput(
    string Type,
    DateTimeOffset? Time = null,
    string? Source = null,
    string? Actor = null,
    string? KeyPrefix = null,
    string? SourceIp = null,
    string? Outcome = null,
    IReadOnlyDictionary<string, JsonElement>? Attributes = null);

/// <summary>A field at fault in the event at <see cref="Index"/> of the batch.</summary>
public sealed record EventError(int Index, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>
/// The answer to a batch, sent only once the accepted events are durable. <see cref="Ids"/> are the
/// stored ids of the accepted events, in the order they were sent.
/// </summary>
public sealed record EventBatchResult(int Accepted, int Rejected, IReadOnlyList<long> Ids, IReadOnlyList<EventError> Errors);

public sealed record SecurityEventView(
    long Id,
    DateTimeOffset Time,
    DateTimeOffset ReceivedAt,
    string Type,
    string Source,
    string? Actor,
    string? KeyPrefix,
    string? SourceIp,
    string Outcome,
    JsonElement? Attributes);

/// <summary>Events newest first; pass <see cref="NextBefore"/> as <c>before</c> for older ones.</summary>
public sealed record EventPage(IReadOnlyList<SecurityEventView> Items, long? NextBefore);
