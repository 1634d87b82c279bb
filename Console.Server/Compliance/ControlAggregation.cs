using System.Text.Json;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>What aggregation needs of a check's latest result.</summary>
public sealed record CheckSnapshot(string CheckId, string Status, int Failing, string? Rows);

/// <summary>An exception in force: the control, and the resources it covers (empty: all of them).</summary>
public sealed record ExceptionInForce(string ControlId, IReadOnlySet<string> Resources)
{
    public bool Whole => Resources.Count == 0;
}

/// <summary>
/// Worst-of aggregation, one pure function so the recorder, the pages and the tests agree. A control is the worst of
/// the latest result of every check mapped to it (a check never evaluated counts as error: never as a pass); failing
/// rows covered by an exception in force count as excepted, never as pass; a manual control is manual valid while an
/// attestation is valid, else manual due. A requirement is the worst of its controls.
/// </summary>
public static class ControlAggregation
{
    public static string ControlStatus(
        Control control, IReadOnlyDictionary<string, CheckSnapshot> checks, IReadOnlyList<ExceptionInForce> exceptions, bool attested)
    {
        var excepted = exceptions.Where(e => e.ControlId == control.Id).ToList();
        if (control.Manual)
        {
            return excepted.Count > 0 && !attested ? ComplianceStatuses.Excepted : attested ? ComplianceStatuses.ManualValid : ComplianceStatuses.ManualDue;
        }
        return ComplianceStatuses.Worst(control.Checks.Select(id => CheckStatus(checks.GetValueOrDefault(id), excepted)));
    }

    public static string CheckStatus(CheckSnapshot? check, IReadOnlyList<ExceptionInForce> excepted)
    {
        if (check is null)
        {
            return ComplianceStatuses.Error;
        }
        if (check.Status != ComplianceStatuses.Fail || excepted.Count == 0)
        {
            return check.Status;
        }
        if (excepted.Any(e => e.Whole))
        {
            return ComplianceStatuses.Excepted;
        }
        var covered = excepted.SelectMany(e => e.Resources).ToHashSet(StringComparer.Ordinal);
        var failing = Rows(check.Rows).Where(r => r.Status == ComplianceStatuses.Fail).ToList();
        // A failing row not kept (beyond the stored maximum) cannot be shown to be covered: it stays a failure.
        return failing.Count == check.Failing && failing.All(r => covered.Contains(r.ResourceId))
            ? ComplianceStatuses.Excepted
            : ComplianceStatuses.Fail;
    }

    public static string RequirementStatus(IEnumerable<string> controlStatuses) => ComplianceStatuses.Worst(controlStatuses);

    public static IReadOnlyList<CheckRowView> Rows(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<CheckRowView>>(json, ComplianceEvaluator.Json) ?? [];
}
