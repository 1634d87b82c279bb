using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Dashboard;

/// <summary>
/// The dashboard's figures, each counted only for a caller who holds the permission that reveals it (else null). Each
/// figure is counted by the feature that owns its rules, through that feature's counts (docs/architecture.md).
/// </summary>
public sealed class DashboardQueries(UserCounts users, KeyCounts keys, AuditCounts audit, TimeProvider clock)
{
    public async Task<DashboardSummary> SummaryAsync(IReadOnlySet<string> granted, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var people = granted.Contains(Permissions.UsersManage);
        var keysRead = granted.Contains(Permissions.KeysRead);
        var auditRead = granted.Contains(Permissions.AuditRead);
        return new DashboardSummary(
            people ? await users.PeopleAsync(ct) : null,
            keysRead ? await keys.ActiveAsync(now, ct) : null,
            people ? await users.OpenInvitationsAsync(now, ct) : null,
            auditRead ? await audit.EntriesAsync(ct) : null,
            auditRead ? await audit.DailyAsync(now, 14, ct) : null,
            keysRead ? await keys.OverdueRotationAsync(now, ct) : null,
            granted.Contains(Permissions.KeysApprove) ? await keys.PendingRequestsAsync(ct) : null);
    }
}
