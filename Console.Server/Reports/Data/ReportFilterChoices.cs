using SecurityConsole.Server.Compliance;

namespace SecurityConsole.Server.Reports.Data;

/// <summary>
/// The values of the report filters that depend on the installation rather than on a fixed list: the compliance posture
/// report's <c>framework</c> is one of the catalogue's frameworks (an unknown id is a 400 naming the field, not an empty report).
/// </summary>
public sealed class ReportFilterChoices(ComplianceReportQueries compliance)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> All => new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["framework"] = compliance.FrameworkIds,
    };
}
