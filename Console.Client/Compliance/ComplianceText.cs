using MudBlazor;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Client.Compliance;

/// <summary>How compliance statuses and numbers read on the pages.</summary>
public static class ComplianceText
{
    public static Color StatusColor(string status) => status switch
    {
        ComplianceStatuses.Pass or ComplianceStatuses.ManualValid => Color.Success,
        ComplianceStatuses.Fail => Color.Error,
        ComplianceStatuses.Error => Color.Dark,
        ComplianceStatuses.ManualDue => Color.Warning,
        ComplianceStatuses.Excepted => Color.Info,
        _ => Color.Default,
    };

    public static string Percent(double? share) => share is { } s ? $"{s * 100:0}%" : "–";

    /// <summary>A heat-map cell's background: red to green by the share in pass; grey when nothing was evaluated that day.</summary>
    public static string HeatColor(double? share) => share switch
    {
        null => "var(--mud-palette-action-disabled-background)",
        >= 0.999 => "#2e7d32",
        >= 0.8 => "#66bb6a",
        >= 0.6 => "#fbc02d",
        >= 0.4 => "#fb8c00",
        _ => "#e53935",
    };


    public static string RequirementHref(string framework, string requirement) =>
        $"compliance/{Uri.EscapeDataString(framework)}/requirements/{Uri.EscapeDataString(requirement)}";
}
