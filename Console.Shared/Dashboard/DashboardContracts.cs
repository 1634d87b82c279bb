namespace SecurityConsole.Shared.Dashboard;

public sealed record DashboardSummary(
    int Users,
    int ActiveKeys,
    int PendingInvitations,
    long AuditEntries,
    IReadOnlyList<DailyCount> AuditActivity);

public sealed record DailyCount(DateOnly Day, int Count);
