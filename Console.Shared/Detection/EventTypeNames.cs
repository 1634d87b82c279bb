using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Shared.Detection;

/// <summary>
/// How event types read to a person: the console's own types by name ("failed sign-in"), a type a service
/// defined as itself ("payments.refund event"), since only that service knows what it means.
/// </summary>
public static class EventTypeNames
{
    private static readonly Dictionary<string, (string One, string Many)> Names = new(StringComparer.Ordinal)
    {
        [SecurityEventTypes.KeyVerifyFailed] = ("failed key verification", "failed key verifications"),
        [SecurityEventTypes.KeyRateLimited] = ("rate-limit refusal", "rate-limit refusals"),
        [SecurityEventTypes.KeyUsed] = ("key use", "key uses"),
        [SecurityEventTypes.KeyIssued] = ("key issue", "key issues"),
        [SecurityEventTypes.KeyRevoked] = ("key revocation", "key revocations"),
        [SecurityEventTypes.KeyRotated] = ("key rotation", "key rotations"),
        [SecurityEventTypes.KeyLeakReported] = ("leak report", "leak reports"),
        [SecurityEventTypes.LoginSucceeded] = ("sign-in", "sign-ins"),
        [SecurityEventTypes.LoginFailed] = ("failed sign-in", "failed sign-ins"),
        [SecurityEventTypes.Lockout] = ("account lock-out", "account lock-outs"),
    };

    /// <summary>True for the console's own types, which have a display name.</summary>
    public static bool IsKnown(string type) => Names.ContainsKey(type);

    /// <summary>"failed sign-in", "3 failed sign-ins"-style noun: the display name, or "payments.refund event(s)".</summary>
    public static string Noun(string type, int count = 1) =>
        Names.TryGetValue(type, out var n) ? (count == 1 ? n.One : n.Many) : (count == 1 ? $"{type} event" : $"{type} events");

    /// <summary>The name shown in an events table: "Failed sign-in", or the raw type of a service's own event.</summary>
    public static string Display(string type) => Names.TryGetValue(type, out var n) ? Capitalize(n.One) : type;

    /// <summary>Why a key verification was refused, as a person says it.</summary>
    public static string Reason(string reason) => reason switch
    {
        KeyVerifyReasons.NotFound => "no such key",
        KeyVerifyReasons.Malformed => "not a well-formed key",
        KeyVerifyReasons.Revoked => "key revoked",
        KeyVerifyReasons.Expired => "key expired",
        KeyVerifyReasons.Disabled => "key disabled",
        KeyVerifyReasons.RateLimited => "over its rate limit",
        KeyVerifyReasons.IpNotAllowed => "address not on the key's allow-list",
        KeyVerifyReasons.InsufficientScope => "key lacks the scope",
        _ => reason.Replace('_', ' '),
    };

    public static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
