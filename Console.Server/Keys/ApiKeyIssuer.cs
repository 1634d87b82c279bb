using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>Creates keys. The secret leaves this class once, in the returned record, and is never stored.</summary>
public sealed class ApiKeyIssuer(ConsoleDbContext db, AuditTrail audit, TimeProvider clock)
{
    public async Task<ApiKeyIssued> IssueAsync(
        string ownerUserId, string name, string environment, IReadOnlyList<string> scopes, TimeSpan? lifetime, string? service, CancellationToken ct)
    {
        var secret = KeyFormat.Generate(environment);
        var now = clock.GetUtcNow();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            Name = name,
            Hash = KeyFormat.Hash(secret),
            Prefix = KeyFormat.DisplayPrefix(secret),
            LastFour = KeyFormat.LastFour(secret),
            Environment = environment,
            OwnerUserId = ownerUserId,
            Service = service,
            Scopes = string.Join(' ', scopes.Distinct()),
            CreatedAt = now,
            ExpiresAt = lifetime is { } l ? now + l : null,
        };
        db.ApiKeys.Add(key);
        audit.Record(new AuditEvent(AuditCategories.Key, "key.issued", "api_key", key.Id.ToString(),
            Data: new { key.Name, key = key.DisplayKey, key.Environment, scopes = key.ScopeList, key.ExpiresAt, owner = ownerUserId }));
        await db.SaveChangesAsync(ct);
        return new ApiKeyIssued(key.Id, secret, key.DisplayKey, key.ExpiresAt);
    }
}
