using SecurityConsole.Shared.Security;

namespace SecurityConsole.Shared.Reports;

/// <summary>
/// The kinds of report: each reads one typed data set and needs the permission that reveals it (on top of
/// reports:read), checked against the run's owner at every run. A custom template is written for one of these.
/// </summary>
public static class ReportTypes
{
    public const string SecuritySummary = "security-summary";
    public const string KeyInventory = "key-inventory";
    public const string AuditExtract = "audit-extract";
    public const string AlertTriage = "alert-triage";
    public const string AccessReview = "access-review";
    public const string CompliancePosture = "compliance-posture";

    public static IReadOnlyList<ReportTypeInfo> All { get; } =
    [
        new(SecuritySummary, "Security summary", "Alerts by severity and rule, time to acknowledge and to resolve, top entities, trend.",
            Permissions.AlertsRead, "summary", ["severity"]),
        new(KeyInventory, "Key inventory and hygiene", "Key states, ages, overdue rotations, unused keys, top usage.",
            Permissions.KeysRead, "keys", ["environment"]),
        new(AuditExtract, "Audit extract", "Audit entries of a period with filters; personal data masked without pii:read.",
            Permissions.AuditRead, "audit", ["action", "actor", "category", "outcome"]),
        new(AlertTriage, "Alert triage and SLA", "Open and closed alerts against the triage targets per severity.",
            Permissions.AlertsRead, "triage", ["severity"]),
        new(AccessReview, "Access review", "Every person, their roles, privileged access and two-factor.",
            Permissions.UsersManage, "access", []),
        new(CompliancePosture, "Compliance posture", "Per enabled framework: pass rate, requirements by status, failing first, and the trend, as of the period's end.",
            Permissions.ComplianceRead, "posture", ["framework"]),
    ];

    public static ReportTypeInfo? Find(string? type) => All.FirstOrDefault(t => t.Id == type);
}

/// <summary>
/// A report type. <see cref="Needs"/> is the permission its data needs; <see cref="DataRoot"/> the name its data set has in
/// templates (<c>summary</c>, <c>keys</c>, ...); <see cref="Filters"/> the parameters it accepts besides the period.
/// </summary>
public sealed record ReportTypeInfo(string Id, string Title, string Description, string Needs, string DataRoot, IReadOnlyList<string> Filters);

public static class ReportFormats
{
    public const string Html = "html";
    public const string Pdf = "pdf";
    public const string Csv = "csv";

    public static IReadOnlyList<string> All { get; } = [Html, Pdf, Csv];
}

/// <summary>Period presets a run may name instead of a from/to range.</summary>
public static class ReportPeriods
{
    public const string Last7Days = "last-7-days";
    public const string Last30Days = "last-30-days";
    public const string LastMonth = "last-month";
    public const string ThisMonth = "this-month";
    public const string Custom = "custom";

    public static IReadOnlyList<string> All { get; } = [Last7Days, Last30Days, LastMonth, ThisMonth, Custom];
}

public static class ReportRunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string status) => status is Succeeded or Failed or Cancelled;
}

public static class ReportStages
{
    public const string Querying = "querying";
    public const string Rendering = "rendering";
    public const string Pdf = "pdf";
    public const string Delivering = "delivering";

    public static IReadOnlyList<string> All { get; } = [Querying, Rendering, Pdf, Delivering];
}
