using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Compliance;

/// <summary>What every compliance result is evidence for: this console, never the organisation.</summary>
public static class ComplianceScope
{
    public const string Statement =
        "Evidence about this console and the credentials it governs, for the requirements named. It is not a statement that your organisation is compliant.";
}

/// <summary>One row of a check: one resource and how it fares, with the reason in a sentence.</summary>
public sealed record CheckRowView(string ResourceType, string ResourceId, string Status, string Reason, string? Link);

/// <summary>
/// The latest result of one check. When the latest run could not evaluate (<see cref="ComplianceStatuses.Error"/>),
/// <see cref="LastGoodStatus"/> and <see cref="LastGoodAt"/> say what the run before it found.
/// </summary>
public sealed record CheckResultView(
    string Id, string Title, string Status, DateTimeOffset? EvaluatedAt, string? Error,
    string? LastGoodStatus, DateTimeOffset? LastGoodAt, int Passing, int Failing, IReadOnlyList<CheckRowView> Rows);

public sealed record ControlMapping(string Framework, string Requirement, string Relationship, string Rationale);

public sealed record ControlView(
    string Id, string Title, string Description, string Status, bool Automated,
    IReadOnlyList<ControlMapping> Mappings, IReadOnlyList<CheckResultView> Checks);

public sealed record RequirementView(
    string Id, string? Parent, string Title, string? Link, bool Assessable, string Status, bool Automated, IReadOnlyList<string> Controls);

public sealed record TrendPoint(DateOnly Day, double? PassRate, int Evaluated, int Passing);

public sealed record HeatmapCell(string Family, DateOnly Day, double? PassShare);

/// <summary>A family of requirements (a top-level requirement of its framework's tree): its id and short title.</summary>
public sealed record RequirementFamily(string Id, string Title);

/// <summary>
/// One framework on the overview. <see cref="Families"/> are the heat-map's rows by id, in order; <see cref="FamilyTitles"/>
/// names each of them (the same ids, the same order) so that a row reads "8 Identify users and authenticate access".
/// </summary>
public sealed record FrameworkSummary(
    string Id, string Name, string Version, string? Link, bool Enabled,
    double? PassRate, int Evaluated, int Passing, int Assessable, double AutomatedCoverage, int Automated,
    IReadOnlyDictionary<string, int> Counts, IReadOnlyList<TrendPoint> Trend,
    IReadOnlyList<string> Families, IReadOnlyList<HeatmapCell> Heatmap, IReadOnlyList<RequirementView> FailingFirst,
    IReadOnlyList<RequirementFamily>? FamilyTitles = null);

public sealed record ComplianceOverview(string Scope, DateTimeOffset At, IReadOnlyList<FrameworkSummary> Frameworks);

public sealed record FrameworkDetail(FrameworkSummary Summary, IReadOnlyList<RequirementView> Requirements);

public sealed record RequirementDetail(string Framework, string FrameworkName, RequirementView Requirement, IReadOnlyList<ControlView> Controls, string Scope);

public sealed record FrameworkState(string Id, string Name, string Version, bool Enabled);

public sealed record SetFrameworkEnabledRequest(bool? Enabled) : IValidatable
{
    public void Validate(Validator v)
    {
        if (Enabled is null)
        {
            v.Add("enabled", "Say true or false.");
        }
    }
}

/// <summary>Sent live when a control's status changes (hub method <c>complianceChanged</c>).</summary>
public sealed record ComplianceChange(string Control, string Title, string Status, string PreviousStatus, DateTimeOffset At);

/// <summary>An evidence item re-hashed and found (or not) at its place in the audit chain.</summary>
public sealed record EvidenceVerification(
    long Id, string Kind, bool Intact, string StoredSha256, string ComputedSha256, long? AuditSequence, bool RecordedInChain, string Verdict);

/// <summary>A stretch of time a control spent in one status.</summary>
public sealed record StatusSpan(string Status, DateTimeOffset From, DateTimeOffset To);

/// <summary>
/// How a control fared over a period, from its recorded history: the share of days that ended passing (as the heat-map
/// counts them), the share of the time it was passing, and every stretch it was not. Time before its first evaluation is
/// unknown and left out.
/// </summary>
public sealed record ControlEffectiveness(
    string Control, string Title, DateTimeOffset From, DateTimeOffset To, int Days, int DaysKnown, int DaysPassing,
    double? ShareOfDays, double? ShareOfTime, IReadOnlyList<StatusSpan> NotPassing, string Summary);
