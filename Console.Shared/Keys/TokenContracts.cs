namespace SecurityConsole.Shared.Keys;

/// <summary>An API key as every screen and API shows it after issuance: never the secret.</summary>
public sealed record ApiKeySummary(
    Guid Id,
    string Name,
    string DisplayKey,
    string Environment,
    string? Service,
    string OwnerUserId,
    string OwnerEmail,
    IReadOnlyList<string> Scopes,
    string Status,
    DateTimeOffset CreatedAt,
    int AgeDays,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    string? LastUsedIp,
    DateTimeOffset? RevokedAt,
    string? RevokedReason,
    int? RateLimitPerMinute,
    IReadOnlyList<string> IpAllowList,
    Guid? PredecessorId,
    Guid? SuccessorId,
    bool AwaitingPickup,
    bool RotationOverdue,
    DateTimeOffset? DisabledAt = null,
    string? DisabledReason = null,
    Guid? RequestId = null);

/// <summary>The only response that ever carries a key's secret.</summary>
public sealed record ApiKeyIssued(Guid Id, string Secret, string DisplayKey, DateTimeOffset? ExpiresAt);

/// <summary>Uses of a key in one minute (UTC).</summary>
public sealed record KeyUsagePoint(DateTimeOffset Minute, int Count);
