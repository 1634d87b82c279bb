using MudBlazor;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Client.Reports;

/// <summary>How the reports pages word and colour runs, stages and periods.</summary>
public static class ReportText
{
    public static Color StatusColor(string status) => status switch
    {
        ReportRunStatuses.Succeeded => Color.Success,
        ReportRunStatuses.Failed => Color.Error,
        ReportRunStatuses.Cancelled => Color.Default,
        ReportRunStatuses.Running => Color.Info,
        _ => Color.Secondary,
    };

    public static string Stage(string? stage) => stage switch
    {
        ReportStages.Querying => "Reading the data",
        ReportStages.Rendering => "Rendering",
        ReportStages.Pdf => "Printing the PDF",
        ReportStages.Delivering => "Delivering",
        null => "",
        _ => stage,
    };

    public static string Period(string period) => period switch
    {
        ReportPeriods.Last7Days => "Last 7 days",
        ReportPeriods.Last30Days => "Last 30 days",
        ReportPeriods.LastMonth => "Last month",
        ReportPeriods.ThisMonth => "This month",
        ReportPeriods.Custom => "Custom range",
        _ => period,
    };

    public static string Format(string format) => format.ToUpperInvariant();

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:N1} KB",
        _ => $"{bytes / (1024.0 * 1024):N1} MB",
    };

    public static string DownloadPath(Guid runId) => $"api/v1/reports/runs/{runId}/download";
}
