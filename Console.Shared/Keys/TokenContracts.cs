namespace SecurityConsole.Shared.Keys;

/// <summary>An API key as every screen and API shows it after issuance: never the secret.</summary>
public sealed record ApiKeySummary(
    Guid Id,
    string Name,
    string DisplayKey,
    string Environment,
    string OwnerEmail,
    IReadOnlyList<string> Scopes,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt);

/// <summary>The only response that ever carries a key's secret.</summary>
public sealed record ApiKeyIssued(Guid Id, string Secret, string DisplayKey, DateTimeOffset? ExpiresAt);
