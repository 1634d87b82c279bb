using System.Net;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Keys;

public static class KeyEnvironments
{
    public const string Production = "production";
    public const string Staging = "staging";
    public const string Development = "development";

    public static IReadOnlyList<string> All { get; } = [Production, Staging, Development];
}

public static class KeyStatuses
{
    public const string Active = "active";
    public const string Expiring = "expiring";

    /// <summary>A successor exists (rotated by hand or by policy); the key still works until it expires.</summary>
    public const string PendingRotation = "pending_rotation";
    public const string Revoked = "revoked";
    public const string Expired = "expired";

    /// <summary>Suspended by its owner or keys:write; verify answers <c>disabled</c> until it is enabled again.</summary>
    public const string Disabled = "disabled";

    public static IReadOnlyList<string> All { get; } = [Active, Expiring, PendingRotation, Disabled, Revoked, Expired];
}

public static class KeyRequestStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    public static IReadOnlyList<string> All { get; } = [Pending, Approved, Rejected];
}

/// <summary>Machine-readable reasons a verification fails; part of the public API.</summary>
public static class KeyVerifyReasons
{
    public const string Malformed = "malformed";
    public const string NotFound = "not_found";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
    public const string Disabled = "disabled";
    public const string RateLimited = "rate_limited";
    public const string IpNotAllowed = "ip_not_allowed";
    public const string InsufficientScope = "insufficient_scope";

    /// <summary>The console could not look the key up (its database is unavailable): refused, but not known to be bad; try again.</summary>
    public const string Unavailable = "unavailable";
}

public sealed record KeyRequestCreate(
    string Service,
    string Environment,
    IReadOnlyList<string> Scopes,
    int LifetimeDays,
    int? RateLimitPerMinute,
    IReadOnlyList<string>? IpAllowList,
    string Reason) : IValidatable
{
    public const int MaxLifetimeDays = 365;
    public const int MaxRateLimitPerMinute = 100_000;

    public void Validate(Validator v)
    {
        v.Required("service", Service, 128);
        v.OneOf("environment", Environment, KeyEnvironments.All);
        if (Scopes is null || Scopes.Count == 0)
        {
            v.Add("scopes", "Choose at least one scope.");
        }
        else
        {
            // Whether a scope is in the admins' current catalogue is checked by the server against KeyPolicy.
            foreach (var scope in Scopes.Where(s => !Permissions.IsKnown(s)))
            {
                v.Add("scopes", $"'{scope}' is not a permission of the console.");
            }
        }
        v.Range("lifetimeDays", LifetimeDays, 1, MaxLifetimeDays);
        if (RateLimitPerMinute is { } rate)
        {
            v.Range("rateLimitPerMinute", rate, 1, MaxRateLimitPerMinute);
        }
        if (IpAllowList is { Count: > 32 })
        {
            v.Add("ipAllowList", "At most 32 entries.");
        }
        foreach (var entry in IpAllowList ?? [])
        {
            if (!IpAllowListEntry.TryParse(entry, out _))
            {
                v.Add("ipAllowList", $"'{entry}' is not an IP address or a CIDR block such as 10.0.0.0/8 (host bits must be zero).");
            }
        }
        v.Required("reason", Reason, 1000, TextKind.MultiLine);
    }
}

/// <summary>An IP allow-list entry: a CIDR block, or a single address meaning /32 (or /128).</summary>
public static class IpAllowListEntry
{
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        // Only the characters of an address and a prefix length: IPNetwork and IPAddress stop reading at a NUL, so
        // "10.0.0.0/8\0" parsed and the NUL went on to the database.
        if (string.IsNullOrWhiteSpace(text) || !text.All(c => char.IsAsciiHexDigit(c) || c is '.' or ':' or '/'))
        {
            return false;
        }
        if (text.Contains('/'))
        {
            // 10.0.0.1/8 is almost always a mistake for 10.0.0.0/8 or 10.0.0.1/32: refuse it rather than guess.
            return IPNetwork.TryParse(text, out network) &&
                IPAddress.TryParse(text[..text.IndexOf('/')], out var given) && given.Equals(network.BaseAddress);
        }
        if (!IPAddress.TryParse(text, out var address))
        {
            return false;
        }
        network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }
}

public sealed record KeyRequestSummary(
    Guid Id,
    string Service,
    string Environment,
    IReadOnlyList<string> Scopes,
    int LifetimeDays,
    int? RateLimitPerMinute,
    IReadOnlyList<string> IpAllowList,
    string Reason,
    string Status,
    bool AutoApproved,
    string RequesterUserId,
    string RequesterEmail,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt,
    string? DecidedBy,
    string? DecisionComment,
    Guid? KeyId,
    bool AwaitingPickup);

public sealed record KeyRequestDecision(string? Comment) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Optional("comment", Comment, 1000, TextKind.MultiLine);
    }
}

public sealed record RevokeKeyRequest(string Reason) : IValidatable
{
    public void Validate(Validator v) => v.Required("reason", Reason, 512, TextKind.MultiLine);
}

/// <summary>Suspend a key (reversibly), with a reason.</summary>
public sealed record DisableKeyRequest(string Reason) : IValidatable
{
    public void Validate(Validator v) => v.Required("reason", Reason, 512, TextKind.MultiLine);
}

public sealed record RotateKeyRequest(int? GraceHours) : IValidatable
{
    public const int DefaultGraceHours = 24;
    public const int MaxGraceHours = 168;

    public void Validate(Validator v)
    {
        if (GraceHours is { } hours)
        {
            v.Range("graceHours", hours, 0, MaxGraceHours);
        }
    }
}

/// <summary>
/// A rotation's outcome. <see cref="Secret"/> is set only for a self-rotation (the key rotating itself);
/// otherwise the successor waits for its owner to pick it up once.
/// </summary>
public sealed record KeyRotated(Guid PreviousKeyId, DateTimeOffset PreviousKeyExpiresAt, Guid SuccessorId, string SuccessorDisplayKey, string? Secret);

public sealed record KeyVerifyRequest(string Key, string? RequiredScope, string? ClientIp) : IValidatable
{
    public void Validate(Validator v)
    {
        // A malformed key is an answer (valid: false, reason: malformed), not a bad request: the key is not held to
        // the text rules, and one with a control character is simply malformed (it never reaches the database).
        Secret(v, "key", Key);
        v.Text("requiredScope", RequiredScope);
        if (ClientIp is not null && (Validator.TextProblem(ClientIp) is not null || !IPAddress.TryParse(ClientIp, out _)))
        {
            v.Add("clientIp", "Must be an IPv4 or IPv6 address.");
        }
    }

    /// <summary>A key as given: present and of a sane length; whether it is well-formed is the answer's business.</summary>
    internal static void Secret(Validator v, string field, string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            v.Add(field, "This field is required.");
        }
        else if (key.Length > 1024)
        {
            v.Add(field, "Must be at most 1024 characters.");
        }
    }
}

public sealed record KeyVerifyResult(
    bool Valid,
    string? Reason,
    Guid? KeyId,
    string? OwnerUserId,
    string? Service,
    string? Environment,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt,
    int? RateLimitPerMinute,
    int? RateLimitRemaining,
    int? RetryAfterSeconds = null);

/// <summary>A key found in the wild, as a secret scanner reports it.</summary>
public sealed record KeyLeakReport(string Key, string? Source) : IValidatable
{
    public void Validate(Validator v)
    {
        KeyVerifyRequest.Secret(v, "key", Key);
        v.Optional("source", Source, 512);
    }
}

/// <summary><see cref="Outcome"/>: revoked, already_revoked, not_found or malformed.</summary>
public sealed record KeyLeakResult(bool Revoked, string Outcome, Guid? KeyId);
