namespace SecurityConsole.Shared.Dashboard;

/// <summary>
/// The dashboard's figures. Each is null for a caller without the permission that reveals it: people and
/// invitations need users:manage, keys (active, overdue) keys:read, the audit trail's size and activity audit:read,
/// waiting key requests keys:approve.
/// </summary>
public sealed record DashboardSummary(
    int? Users,
    int? ActiveKeys,
    int? PendingInvitations,
    long? AuditEntries,
    IReadOnlyList<DailyCount>? AuditActivity,
    int? OverdueKeys = null,
    int? PendingKeyRequests = null);

public sealed record DailyCount(DateOnly Day, int Count);
