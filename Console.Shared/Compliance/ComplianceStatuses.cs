namespace SecurityConsole.Shared.Compliance;

/// <summary>
/// The statuses of a check result, a control and a requirement, and how they combine. Worst-of: a control is the worst
/// of the latest result of every check mapped to it, a requirement the worst of its controls. "Error" (could not evaluate)
/// is ranked above pass so that it is never counted as a pass, and below fail so that a known failure still shows as one.
/// </summary>
public static class ComplianceStatuses
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Error = "error";
    public const string NotApplicable = "not_applicable";
    public const string ManualDue = "manual_due";
    public const string ManualValid = "manual_valid";
    public const string Excepted = "excepted";

    public static IReadOnlyList<string> All { get; } = [Fail, Error, ManualDue, Excepted, ManualValid, Pass, NotApplicable];

    /// <summary>Higher is worse.</summary>
    public static int Rank(string status) => status switch
    {
        Fail => 6,
        Error => 5,
        ManualDue => 4,
        Excepted => 3,
        ManualValid => 2,
        Pass => 1,
        _ => 0,
    };

    /// <summary>The worst of these statuses; not applicable when there are none.</summary>
    public static string Worst(IEnumerable<string> statuses)
    {
        var worst = NotApplicable;
        foreach (var s in statuses)
        {
            if (Rank(s) > Rank(worst))
            {
                worst = s;
            }
        }
        return worst;
    }

    /// <summary>Statuses that say something about the requirement: counted in the pass rate's denominator.</summary>
    public static bool IsEvaluated(string status) => status is Pass or Fail or ManualDue or ManualValid or Excepted;

    /// <summary>Only these count as passing. An exception is never a pass.</summary>
    public static bool IsPassing(string status) => status is Pass or ManualValid;

    public static string Display(string status) => status switch
    {
        Pass => "Pass",
        Fail => "Fail",
        Error => "Could not evaluate",
        NotApplicable => "Not applicable",
        ManualDue => "Manual: due",
        ManualValid => "Manual: valid",
        Excepted => "Excepted",
        _ => status,
    };
}

/// <summary>How a control relates to a requirement (after NIST's OLIR relationships).</summary>
public static class ControlRelationships
{
    public const string Equal = "equal";
    public const string Subset = "subset";
    public const string Intersects = "intersects";

    public static IReadOnlyList<string> All { get; } = [Equal, Subset, Intersects];
}
