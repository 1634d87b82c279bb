using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "keys in every state" (active, expiring, pending rotation, revoked, expired, and one past the rotation
/// policy), requests waiting, approved and rejected, and two days of per-minute usage with a
/// working-hours shape. Everything goes through the issuer and the audit trail as real changes would.
/// </summary>
internal static class KeysInEveryState
{
    /// <summary>Revoked when it was found in a public place; the incident week reports the leak.</summary>
    public const string LeakedService = "reporting-export";

    /// <summary>Revoked four days ago and still being tried; the incident week plants the attempts.</summary>
    public const string ReplacedService = "contractor-sync";

    public static void Write(ConsoleDbContext db, ApiKeyIssuer issuer, AuditTrail audit, IReadOnlyList<ConsoleUser> developers, ConsoleUser approver,
        DateTimeOffset now, Random random)
    {
        var payments = developers[0];
        var search = developers[1];
        string[] service = [Permissions.KeysVerify, Permissions.EventsWrite];

        var active = Issue(payments, "payments-api", KeyEnvironments.Production, service, created: now.AddDays(-30), lifetimeDays: 365, rate: 600,
            ips: ["10.20.0.0/16"]);
        var staging = Issue(search, "search-indexer", KeyEnvironments.Staging, [Permissions.EventsWrite], now.AddDays(-20), 180);
        var overdue = Issue(payments, "billing-worker", KeyEnvironments.Production, service, now.AddDays(-124), 365);
        var expiring = Issue(search, "fraud-scoring", KeyEnvironments.Production, [Permissions.KeysVerify], now.AddDays(-85), 90);
        var rotating = Issue(payments, "mobile-gateway", KeyEnvironments.Production, service, now.AddDays(-96), 365);
        var revoked = Issue(search, LeakedService, KeyEnvironments.Development, [Permissions.ReportsRead], now.AddDays(-40), 365);
        var replaced = Issue(payments, ReplacedService, KeyEnvironments.Production, [Permissions.EventsWrite], now.AddDays(-60), 365);
        var expired = Issue(payments, "legacy-crm", KeyEnvironments.Staging, [Permissions.KeysVerify], now.AddDays(-100), 90);
        var paused = Issue(search, "partner-webhooks", KeyEnvironments.Staging, [Permissions.EventsWrite], now.AddDays(-12), 180);
        paused.DisabledAt = now.AddDays(-1);
        paused.DisabledReason = "Paused while the partner moves their webhook endpoint";
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyDisabled, "api_key", paused.Id.ToString(),
            Data: new { key = paused.DisplayKey, owner = paused.OwnerUserId }, Personal: new { reason = paused.DisabledReason }), now.AddDays(-1));

        // Rotated two hours ago with a day's grace: the successor waits for its owner.
        var (successor, _) = issuer.Add(new KeySpec(payments.Id, "mobile-gateway", KeyEnvironments.Production, service, TimeSpan.FromDays(365),
            "mobile-gateway", PredecessorId: rotating.Id, At: now.AddHours(-2)));
        successor.PendingSecret = "demo:never-issued";
        rotating.SuccessorId = successor.Id;
        rotating.ExpiresAt = now.AddHours(22);
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRotated, "api_key", rotating.Id.ToString(),
            Data: new { key = rotating.DisplayKey, successorId = successor.Id, successor = successor.DisplayKey, graceHours = 24 }), now.AddHours(-2));

        revoked.RevokedAt = now.AddHours(-5);
        revoked.RevokedReason = "Reported leaked: github-secret-scanning";
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRevoked, "api_key", revoked.Id.ToString(),
            Data: new { key = revoked.DisplayKey, owner = revoked.OwnerUserId, leaked = true }, Personal: new { reason = revoked.RevokedReason }), revoked.RevokedAt);
        replaced.RevokedAt = now.AddDays(-4);
        replaced.RevokedReason = "Replaced after the contractor left";
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRevoked, "api_key", replaced.Id.ToString(),
            Data: new { key = replaced.DisplayKey, owner = replaced.OwnerUserId }, Personal: new { reason = replaced.RevokedReason }), replaced.RevokedAt);

        // Requests: one waiting for an approver, one rejected, and the approved one behind the payments key.
        Request(search, "ledger-sync", KeyEnvironments.Production, service, "Nightly ledger reconciliation needs to post events",
            KeyRequestStatuses.Pending, now.AddHours(-5), null, null);
        Request(search, "data-lake-export", KeyEnvironments.Production, [Permissions.AuditRead], "Export the audit trail to the data lake",
            KeyRequestStatuses.Rejected, now.AddDays(-2), approver, "Audit exports go through the Audit page's signed export, not a key.");
        var approved = Request(payments, "payments-api", KeyEnvironments.Production, service, "Card payments verify partner keys",
            KeyRequestStatuses.Approved, now.AddDays(-30).AddHours(-3), approver, "Approved for the payments launch.");
        approved.KeyId = active.Id;
        active.RequestId = approved.Id;

        // Per-minute usage for two days: busy in working hours, quiet at night; the revoked key's attempts stop at revocation.
        foreach (var (key, perMinute) in new[] { (active, 40), (staging, 6), (overdue, 12), (expiring, 3), (rotating, 18) })
        {
            DateTimeOffset? last = null;
            for (var minute = now.AddMinutes(-2 * 24 * 60); minute < now; minute = minute.AddMinutes(1))
            {
                var hour = minute.UtcDateTime.Hour;
                var busy = hour is >= 7 and < 19 ? 1.0 : 0.15;
                var count = (int)(perMinute * busy * (0.6 + random.NextDouble() * 0.8));
                if (count > 0)
                {
                    var at = new DateTimeOffset(minute.UtcDateTime.Ticks - minute.UtcDateTime.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
                    db.ApiKeyUsage.Add(new ApiKeyUsage { KeyId = key.Id, Minute = at, Count = count });
                    last = at;
                }
            }
            key.LastUsedAt = last;
            key.LastUsedIp = $"10.20.{random.Next(1, 40)}.{random.Next(2, 250)}";
        }
        expired.LastUsedAt = expired.ExpiresAt?.AddHours(-6);

        ApiKey Issue(ConsoleUser owner, string name, string environment, string[] scopes, DateTimeOffset created, int lifetimeDays, int? rate = null,
            string[]? ips = null)
        {
            var (key, _) = issuer.Add(new KeySpec(owner.Id, name, environment, scopes, TimeSpan.FromDays(lifetimeDays), name, rate, ips, At: created));
            return key;
        }

        KeyRequest Request(ConsoleUser requester, string name, string environment, string[] scopes, string reason, string status,
            DateTimeOffset created, ConsoleUser? decider, string? comment)
        {
            var request = new KeyRequest
            {
                Id = Guid.NewGuid(),
                RequesterUserId = requester.Id,
                Service = name,
                Environment = environment,
                Scopes = string.Join(' ', scopes),
                LifetimeDays = 365,
                Reason = reason,
                Status = status,
                CreatedAt = created,
                DecidedAt = decider is null ? null : created.AddHours(2),
                DecidedByUserId = decider?.Id,
                DecisionComment = comment,
            };
            db.KeyRequests.Add(request);
            audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRequested, "api_key_request", request.Id.ToString(),
                Data: new { request.Service, request.Environment, scopes }, Personal: new { reason }), created);
            if (decider is not null)
            {
                audit.Record(new AuditEvent(AuditCategories.Key, status == KeyRequestStatuses.Approved ? AuditActions.KeyRequestApproved : AuditActions.KeyRequestRejected,
                    "api_key_request", request.Id.ToString(), Data: new { requester = requester.Id }, Personal: new { comment }), created.AddHours(2));
            }
            return request;
        }
    }
}
