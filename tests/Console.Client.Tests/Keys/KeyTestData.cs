using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Keys;

internal static class KeyTestData
{
    public const string OtherUserId = "user-bob";

    public static ApiKeySummary Key(
        string service = "billing-api", string status = KeyStatuses.Active, string environment = KeyEnvironments.Production,
        string ownerId = OtherUserId, string ownerEmail = "bob@example.com", bool awaitingPickup = false, bool overdue = false,
        IReadOnlyList<string>? scopes = null, Guid? id = null, Guid? predecessor = null, Guid? successor = null, int ageDays = 12,
        DateTimeOffset? lastUsed = null) =>
        new(id ?? Guid.NewGuid(), service, $"sc_{environment[..4]}_Ab12…{service.Length:0000}", environment, service, ownerId, ownerEmail,
            scopes ?? [Permissions.KeysVerify], status, DateTimeOffset.UtcNow.AddDays(-ageDays), ageDays, DateTimeOffset.UtcNow.AddDays(90),
            lastUsed, lastUsed is null ? null : "10.1.2.3", status == KeyStatuses.Revoked ? DateTimeOffset.UtcNow : null,
            status == KeyStatuses.Revoked ? "leaked" : null, null, [], predecessor, successor, awaitingPickup, overdue);

    public static KeyRequestSummary Request(
        string service = "billing-api", string status = KeyRequestStatuses.Pending, string requesterId = OtherUserId,
        string requesterEmail = "bob@example.com", string environment = KeyEnvironments.Production, bool awaitingPickup = false,
        string? comment = null, Guid? keyId = null, Guid? id = null) =>
        new(id ?? Guid.NewGuid(), service, environment, [Permissions.KeysVerify, Permissions.AlertsRead], 90, 600, ["10.0.0.0/8"],
            "Partners call billing-api with their keys", status, false, requesterId, requesterEmail, DateTimeOffset.UtcNow.AddHours(-2),
            status == KeyRequestStatuses.Pending ? null : DateTimeOffset.UtcNow, status == KeyRequestStatuses.Pending ? null : "user-carol",
            comment, keyId, awaitingPickup);

    public static ApiKeyIssued Issued(Guid id, string secret = "sc_prod_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56_x9Q2") =>
        new(id, secret, "sc_prod_Ab12…x9Q2", DateTimeOffset.UtcNow.AddDays(90));
}
