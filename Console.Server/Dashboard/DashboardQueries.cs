using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Dashboard;

/// <summary>The dashboard's figures, each counted only for a caller who holds the permission that reveals it (else null).</summary>
public sealed class DashboardQueries(ConsoleDbContext db, KeyPolicyStore policies, TimeProvider clock)
{
    public async Task<DashboardSummary> SummaryAsync(IReadOnlySet<string> granted, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var soon = now + ApiKey.ExpiringWithin;
        var people = granted.Contains(Permissions.UsersManage);
        var keys = granted.Contains(Permissions.KeysRead);
        var audit = granted.Contains(Permissions.AuditRead);
        return new DashboardSummary(
            people ? await db.Users.CountAsync(ct) : null,
            // The same rule as the keys list's "Active" filter (KeyList), which the card links to: the number agrees with the list.
            keys ? await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > soon) && k.DisabledAt == null
                && k.SuccessorId == null, ct) : null,
            people ? await db.Invitations.CountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct) : null,
            audit ? await db.AuditEntries.LongCountAsync(ct) : null,
            audit ? await AuditActivityAsync(now, ct) : null,
            keys ? await KeyRotationPolicy.CountOverdueAsync(db.ApiKeys, await policies.GetAsync(ct), now, ct) : null,
            granted.Contains(Permissions.KeysApprove) ? await db.KeyRequests.CountAsync(r => r.Status == KeyRequestStatuses.Pending, ct) : null);
    }

    private async Task<List<DailyCount>> AuditActivityAsync(DateTimeOffset now, CancellationToken ct)
    {
        var firstDay = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-13);
        // One indexed range count per day: portable across providers and cheap at millions of entries.
        var series = new List<DailyCount>(14);
        for (var i = 0; i < 14; i++)
        {
            var day = firstDay.AddDays(i);
            var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var to = from.AddDays(1);
            series.Add(new DailyCount(day, await db.AuditEntries.CountAsync(e => e.Time >= from && e.Time < to, ct)));
        }
        return series;
    }
}
