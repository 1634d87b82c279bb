namespace SecurityConsole.Shared.Dashboard;

public sealed record DashboardSummary(
    int Users,
    int ActiveKeys,
    int PendingInvitations,
    long AuditEntries,
    IReadOnlyList<DailyCount> AuditActivity,
    int OverdueKeys = 0,
    int PendingKeyRequests = 0);

public sealed record DailyCount(DateOnly Day, int Count);
