namespace SecurityConsole.Server.Reports.Templates;

// The data model a template sees, and nothing else: these types are the allow-list (TemplateEngine registers exactly
// them), their properties appear to templates in snake_case, and docs/reports.md documents them. Nothing here can
// reach a service, a file or the network; every value is a plain figure or text read before rendering starts.

/// <summary>The root of what a template renders: the report header and the one data set its type reads.</summary>
public sealed class ReportModel
{
    public required ReportHeader Report { get; init; }
    public SecuritySummaryData? Summary { get; init; }
    public KeyInventoryData? Keys { get; init; }
    public AuditExtractData? Audit { get; init; }
    public TriageData? Triage { get; init; }
    public AccessReviewData? Access { get; init; }
    public PostureData? Posture { get; init; }
}

/// <summary>
/// What the report is: its title, type, period and whether personal data is masked. No generation time and no run id:
/// re-running a closed period renders the same HTML byte for byte (the artifact's metadata carries those instead).
/// </summary>
public sealed record ReportHeader(
    string Title, string Type, string Template, int Version, DateTimeOffset From, DateTimeOffset To, string Period, bool PersonalDataMasked,
    IReadOnlyList<ReportFilter> Filters);

public sealed record ReportFilter(string Name, string Value);

/// <summary>A labelled count: a bar, a donut slice, a point of a trend.</summary>
public sealed record CountItem(string Label, long Count);

/// <summary>A grid of counts (rows × columns), drawn as a heat map.</summary>
public sealed record HeatmapData(IReadOnlyList<string> Rows, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<long>> Cells);

public sealed record SecuritySummaryData(
    long AlertCount, long OpenCount, long ClosedCount, IReadOnlyList<CountItem> BySeverity, IReadOnlyList<CountItem> ByRule,
    IReadOnlyList<CountItem> TopEntities, IReadOnlyList<CountItem> Trend, HeatmapData Heatmap,
    double? MeanMinutesToAcknowledge, double? MeanMinutesToResolve, IReadOnlyList<AlertRow> Alerts);

public sealed record AlertRow(
    long Id, string Severity, string Status, string Rule, string Entity, string Title, DateTimeOffset FirstSeen, DateTimeOffset LastSeen,
    int Count, string? Assignee, DateTimeOffset? ClosedAt, double? MinutesToClose, bool SlaBreached);

public sealed record KeyInventoryData(
    long KeyCount, IReadOnlyList<CountItem> ByState, IReadOnlyList<CountItem> ByEnvironment, IReadOnlyList<CountItem> AgeBuckets,
    long OverdueCount, long UnusedCount, IReadOnlyList<CountItem> TopUsage, IReadOnlyList<KeyRow> Rows);

public sealed record KeyRow(
    string Name, string Key, string Owner, string? Service, string Environment, string State, int AgeDays, DateTimeOffset? LastUsed,
    bool RotationOverdue, bool Unused, long Uses);

public sealed record AuditExtractData(long EntryCount, IReadOnlyList<CountItem> ByAction, IReadOnlyList<CountItem> ByOutcome, IReadOnlyList<AuditRow> Rows);

public sealed record AuditRow(
    long Sequence, DateTimeOffset Time, string Category, string Action, string Actor, string? Target, string Outcome, string? SourceIp, string Personal);

public sealed record TriageData(
    long OpenCount, long ClosedCount, long SlaBreachedCount, double SlaMetPercent, IReadOnlyList<CountItem> OpenBySeverity,
    IReadOnlyList<CountItem> ByAssignee, IReadOnlyList<SlaTarget> Targets, IReadOnlyList<AlertRow> Rows);

public sealed record SlaTarget(string Severity, int Hours, long Met, long Breached);

public sealed record AccessReviewData(long UserCount, long PrivilegedCount, long WithoutTwoFactorCount, IReadOnlyList<CountItem> ByRole, IReadOnlyList<AccessRow> Rows);

public sealed record AccessRow(string User, IReadOnlyList<string> Roles, int PermissionCount, bool Privileged, bool TwoFactor, bool Locked, string Finding);

/// <summary>
/// Compliance posture as of the period's end, from the recorded status changes (a closed period reads the same every
/// time). <see cref="Scope"/> is the statement every compliance result carries: evidence about this console only.
/// </summary>
public sealed record PostureData(
    string Scope, long FrameworkCount, long RequirementCount, long FailingCount, IReadOnlyList<FrameworkPosture> Frameworks, IReadOnlyList<PostureRequirement> Rows);

/// <summary>
/// One framework: pass rate of evaluated requirements (percent, null when none was evaluated), automated coverage
/// (percent), requirements by status, the pass rate per day of the period (percent, rounded) as a trend, and how each
/// of its controls fared over the period.
/// </summary>
public sealed record FrameworkPosture(
    string Id, string Name, string Version, string? Link, double? PassRate, long Evaluated, long Passing, long Assessable, double AutomatedCoverage,
    IReadOnlyList<CountItem> ByStatus, IReadOnlyList<CountItem> Trend, IReadOnlyList<PostureRequirement> FailingFirst, IReadOnlyList<PostureControl> Controls);

/// <summary>
/// One control over the period: its status at the period's end ("error" when it had not been evaluated by then), the
/// days that ended passing out of the days it was known, that share in percent (floored, one decimal; null when never
/// known), and the sentence that says when it was not passing.
/// </summary>
public sealed record PostureControl(
    string Id, string Title, bool Automated, string Status, int DaysPassing, int DaysKnown, double? PercentOfDays, string Summary);

public sealed record PostureRequirement(string Framework, string Id, string Title, string Family, string Status, bool Automated, string Controls);
