using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Each check passes on good state and fails on crafted bad state, naming the exact resource.</summary>
public abstract class CheckTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task TwoFactorFailsForAPrivilegedPersonWithoutItAndPassesWithIt()
    {
        var (_, without) = await Factory.UserAsync(Roles.Admin);
        var (_, with) = await Factory.UserAsync(Roles.Approver, twoFactor: true);
        var (_, developer) = await Factory.UserAsync(Roles.Developer);
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("two-factor-privileged", without));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("two-factor-privileged", with));
        Assert.DoesNotContain(await Factory.RowsAsync("two-factor-privileged"), r => r.ResourceId == developer);
    }

    [Fact]
    public async Task AnAccountUnusedBeyondTheInactivityDaysFails()
    {
        var (idle, idleEmail) = await Factory.UserAsync(Roles.Developer);
        var (_, active) = await Factory.UserAsync(Roles.Developer);
        await Factory.DbAsync(db => db.Users.Where(u => u.Id == idle).ExecuteUpdateAsync(s => s.SetProperty(u => u.LastSignInAt, DateTimeOffset.UtcNow.AddDays(-100)), Ct));
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("inactive-accounts", idleEmail));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("inactive-accounts", active));
    }

    [Fact]
    public async Task AGenericAddressFailsAndAPersonalOnePasses()
    {
        var (_, generic) = await Factory.UserAsync(Roles.Developer, email: $"admin-{Guid.NewGuid():N}@example.test");
        var (_, personal) = await Factory.UserAsync(Roles.Developer, email: $"ada.lovelace-{Guid.NewGuid():N}@example.test");
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("unique-accounts", generic));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("unique-accounts", personal));
    }

    [Fact]
    public async Task AKeyOlderThanThePolicysRotationAgeFails()
    {
        var old = await Factory.KeyAsync();
        var young = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(old.Id, k => k.CreatedAt = DateTimeOffset.UtcNow.AddDays(-120));
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("key-max-age", old.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("key-max-age", young.Display));
    }

    [Fact]
    public async Task AProductionKeyWithoutExpiryFails()
    {
        var forever = await Factory.KeyAsync();
        var expiring = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(forever.Id, k => k.ExpiresAt = null);
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("production-keys-expire", forever.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("production-keys-expire", expiring.Display));
    }

    [Fact]
    public async Task AKeyUnusedBeyondTheLimitFails()
    {
        var unused = await Factory.KeyAsync();
        var used = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(unused.Id, k => k.CreatedAt = DateTimeOffset.UtcNow.AddDays(-95));
        await Factory.UpdateKeyAsync(used.Id, k => { k.CreatedAt = DateTimeOffset.UtcNow.AddDays(-95); k.LastUsedAt = DateTimeOffset.UtcNow.AddDays(-1); });
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("unused-keys", unused.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("unused-keys", used.Display));
    }

    [Fact]
    public async Task AKeyOfALockedOwnerFails()
    {
        var (lockedOwner, _) = await Factory.UserAsync(Roles.Developer);
        var orphan = await Factory.KeyAsync(lockedOwner);
        var owned = await Factory.KeyAsync();
        await Factory.DbAsync(db => db.Users.Where(u => u.Id == lockedOwner).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockoutEnd, DateTimeOffset.MaxValue), Ct));
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("orphaned-keys", orphan.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("orphaned-keys", owned.Display));
    }

    [Fact]
    public async Task AProductionKeyIssuedWithoutAnApprovedRequestFailsAndOneApprovedByAnotherPersonPasses()
    {
        var direct = await Factory.KeyAsync();
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        var request = await developer.PostAsJsonAsync("/api/v1/keys/requests",
            new KeyRequestCreate($"svc-{Guid.NewGuid():N}"[..16], KeyEnvironments.Production, [Permissions.KeysVerify], 30, 60, null, "Payments verify keys"), Ct);
        var created = (await request.Content.ReadFromJsonAsync<KeyRequestSummary>(Ct))!;
        (await approver.PostAsJsonAsync($"/api/v1/keys/requests/{created.Id}/approve", new KeyRequestDecision("ok"), Ct)).EnsureSuccessStatusCode();
        var picked = (await (await developer.PostAsync($"/api/v1/keys/requests/{created.Id}/pickup", null, Ct)).Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!;
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("production-keys-approved", direct.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("production-keys-approved", picked.DisplayKey));
        // The same request, shown as approved by its own requester, no longer traces to a second person.
        await Factory.DbAsync(db => db.KeyRequests.Where(r => r.Id == created.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DecidedByUserId, r => r.RequesterUserId), Ct));
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("production-keys-approved", picked.DisplayKey));
    }

    [Fact]
    public async Task AProductionKeyWithAnAdministrativeScopeOrNoLimitFails()
    {
        var admin = await Factory.KeyAsync(scopes: Permissions.KeysWrite);
        var unlimited = await Factory.KeyAsync();
        var limited = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(limited.Id, k => k.RateLimitPerMinute = 60);
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("least-privilege-scopes", admin.Display));
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("least-privilege-scopes", unlimited.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("least-privilege-scopes", limited.Display));
    }

    [Fact]
    public async Task ASecretLeftWaitingForPickUpTooLongFails()
    {
        var stale = await Factory.KeyAsync();
        var fresh = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(stale.Id, k => { k.PendingSecret = "sealed"; k.CreatedAt = DateTimeOffset.UtcNow.AddDays(-3); });
        await Factory.UpdateKeyAsync(fresh.Id, k => k.PendingSecret = "sealed");
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("no-secret-waiting", stale.Display));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("no-secret-waiting", fresh.Display));
    }

    [Fact]
    public async Task AHighAlertWaitingBeyondItsSlaFails()
    {
        var late = await AlertAsync("test-rule", AlertSeverities.High, DateTimeOffset.UtcNow.AddDays(-2));
        var recent = await AlertAsync("test-rule", AlertSeverities.Critical, DateTimeOffset.UtcNow);
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("alert-triage-sla", $"#{late}"));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("alert-triage-sla", $"#{recent}"));
    }

    [Fact]
    public async Task ABreachAlertPastItsNotificationClockFails()
    {
        var rule = $"breach-{Guid.NewGuid():N}"[..20];
        var parameters = ComplianceParameters.Default with { BreachRuleIds = [rule] };
        Assert.Equal(S.NotApplicable, (await Factory.RowsAsync("breach-notification-clock")).Single().Status);
        var late = await AlertAsync(rule, AlertSeverities.High, DateTimeOffset.UtcNow.AddHours(-80));
        var recent = await AlertAsync(rule, AlertSeverities.High, DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("breach-notification-clock", $"#{late}", parameters));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("breach-notification-clock", $"#{recent}", parameters));
    }

    [Fact]
    public async Task ADisabledBuiltInRuleFailsDetectionCurrentAndRetentionBelowAFloorFailsRetention()
    {
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("detection-current", "brute-force"));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("retention-floors", "security"));
        await Factory.DbAsync(async db =>
        {
            await db.DetectionRules.Where(r => r.Id == "brute-force").ExecuteUpdateAsync(s => s.SetProperty(r => r.Enabled, false), Ct);
            await db.AuditRetention.Where(r => r.Category == "security").ExecuteUpdateAsync(s => s.SetProperty(r => r.Days, 100), Ct);
        });
        try
        {
            Assert.Equal(S.Fail, await Factory.StatusOfAsync("detection-current", "brute-force"));
            Assert.Equal(S.Fail, await Factory.StatusOfAsync("retention-floors", "security"));
        }
        finally
        {
            await Factory.DbAsync(async db =>
            {
                await db.DetectionRules.Where(r => r.Id == "brute-force").ExecuteUpdateAsync(s => s.SetProperty(r => r.Enabled, true), Ct);
                await db.AuditRetention.Where(r => r.Category == "security").ExecuteUpdateAsync(s => s.SetProperty(r => r.Days, 400), Ct);
            });
        }
    }

    [Fact]
    public async Task TooManyAuditReadersFailAndAFewPass()
    {
        await Factory.UserAsync(Roles.Auditor);
        await Factory.UserAsync(Roles.Auditor);
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("audit-readers-limited", Permissions.AuditRead, ComplianceParameters.Default with { MaxAuditReaders = 1 }));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("audit-readers-limited", Permissions.AuditRead, ComplianceParameters.Default with { MaxAuditReaders = 10_000 }));
        Assert.All(await Factory.RowsAsync("pii-masked"), r => Assert.Equal(S.Pass, r.Status));
    }

    [Fact]
    public async Task AnErasureWhoseKeyStillExistsAfterThirtyDaysFails()
    {
        var (userId, email) = await Factory.UserAsync(Roles.Developer);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        (await admin.PostAsJsonAsync("/api/v1/audit/erasure", new SecurityConsole.Shared.Audit.ErasureRequest(userId, null, "Subject asked"), Ct)).EnsureSuccessStatusCode();
        var erased = await Factory.DbAsync(db => db.AuditSubjectKeys.Where(k => k.ErasedAt != null).Select(k => k.Id).ToListAsync(Ct));
        Assert.NotEmpty(erased);
        foreach (var id in erased)
        {
            Assert.Equal(S.Pass, await Factory.StatusOfAsync("erasure-timely", id.ToString()));
        }
        var kept = Guid.NewGuid();
        await Factory.DbAsync(async db =>
        {
            db.AuditSubjectKeys.Add(new SecurityConsole.Server.Audit.AuditSubjectKey
            {
                Id = kept, Pseudonym = "test-" + kept.ToString("N")[..20], ProtectedKey = "still-here", CreatedAt = DateTimeOffset.UtcNow.AddDays(-60), ErasedAt = DateTimeOffset.UtcNow.AddDays(-40),
            });
            await db.SaveChangesAsync(Ct);
        });
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("erasure-timely", kept.ToString()));
    }

    [Fact]
    public async Task TheAuditTrailsRecentEntriesAreCompleteAndCovered()
    {
        await Factory.SignedInClientAsync(Roles.Admin);
        Assert.All(await Factory.RowsAsync("audit-fields-complete"), r => Assert.Equal(S.Pass, r.Status));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("audit-coverage", "admin"));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("audit-coverage", "access"));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("audit-chain-verified", "head"));
        Assert.NotEqual(S.Fail, (await Factory.RowsAsync("checkpoints-on-schedule")).Single().Status);
    }

    [Fact]
    public async Task ARoleChangeMadeByThePersonItselfFailsAndOneByAnotherPersonPasses()
    {
        var (developer, _) = await Factory.UserAsync(Roles.Developer);
        var (admin, _) = await Factory.UserAsync(Roles.Admin);
        var self = await RolesChangedAsync(actor: developer, target: developer);
        var other = await RolesChangedAsync(actor: admin, target: developer);
        Assert.Equal(S.Fail, await Factory.StatusOfAsync("role-grants-by-others", $"audit #{self}"));
        Assert.Equal(S.Pass, await Factory.StatusOfAsync("role-grants-by-others", $"audit #{other}"));
    }

    [Fact]
    public async Task AControlThatTurnedBadWithoutAnAlertFailsAndOneWithItsAlertPasses()
    {
        // A recorded turn for the worse (pass to fail) of a control, with no alert in the feed for it.
        var control = $"test-control-{Guid.NewGuid():N}";
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await Factory.DbAsync(async db =>
        {
            db.ComplianceEvidence.Add(new EvidenceItem
            {
                Kind = EvidenceKinds.StatusChange, Subject = control, Status = S.Fail, PreviousStatus = S.Pass, At = at, EffectiveFrom = at,
                Payload = "{}", Sha256 = new string('0', 64),
            });
            await db.SaveChangesAsync(Ct);
        });
        try
        {
            Assert.Equal(S.Fail, await Factory.StatusOfAsync("control-failures-alerted", control));
            await Factory.DbAsync(async db =>
            {
                db.Alerts.Add(new Alert
                {
                    RuleId = ControlStatusRecorder.AlertSource, Severity = AlertSeverities.High, Status = AlertStatuses.Open, EntityKind = EntityKinds.Control,
                    EntityId = control, Title = "Control turned bad", FirstSeenAt = at, LastSeenAt = at, Count = 1, CreatedAt = at, UpdatedAt = at, Version = 1,
                });
                await db.SaveChangesAsync(Ct);
            });
            Assert.Equal(S.Pass, await Factory.StatusOfAsync("control-failures-alerted", control));
        }
        finally
        {
            // Closed, so that no other test of this console sees a control that does not exist failing.
            await Factory.DbAsync(db => db.ComplianceEvidence.Where(e => e.Subject == control)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.EffectiveTo, DateTimeOffset.UtcNow), Ct));
        }
    }

    /// <summary>A user.roles_changed audit entry made by <paramref name="actor"/> for <paramref name="target"/>; its sequence.</summary>
    private async Task<long> RolesChangedAsync(string actor, string target)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Security.Caller>()
            .ActAs(new SecurityConsole.Server.Security.Actor(SecurityConsole.Server.Security.ActorTypes.User, actor, null));
        var entry = scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Audit.AuditTrail>().Record(new SecurityConsole.Server.Audit.AuditEvent(
            SecurityConsole.Server.Audit.AuditCategories.Admin, SecurityConsole.Server.Audit.AuditActions.UserRolesChanged, "user", target, Data: new { wanted = new[] { Roles.Admin } }));
        await scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Data.ConsoleDbContext>().SaveChangesAsync(Ct);
        return entry.Sequence;
    }

    private async Task<long> AlertAsync(string rule, string severity, DateTimeOffset created)
    {
        var alert = new Alert
        {
            RuleId = rule, Severity = severity, Status = AlertStatuses.Open, EntityKind = EntityKinds.Ip, EntityId = "192.0.2.1", Title = "Test alert",
            FirstSeenAt = created, LastSeenAt = created, Count = 1, CreatedAt = created, UpdatedAt = created, Version = 1,
        };
        await Factory.DbAsync(async db =>
        {
            db.Alerts.Add(alert);
            await db.SaveChangesAsync(Ct);
        });
        return alert.Id;
    }
}

public sealed class SqliteCheckTests(SqliteConsole console) : CheckTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresCheckTests(PostgresConsole console) : CheckTests(console), IClassFixture<PostgresConsole>;
