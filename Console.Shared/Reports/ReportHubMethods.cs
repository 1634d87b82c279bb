namespace SecurityConsole.Shared.Reports;

/// <summary>
/// The reports feature's server → client message on the live hub (/hubs/alerts), sent to the run's owner only.
/// Kept apart from HubMethods so that it moves in one piece when the hub becomes typed (Hub&lt;IConsoleClient&gt;).
/// </summary>
public static class ReportHubMethods
{
    /// <summary>Server → client: a run moved to another stage or finished (<see cref="ReportProgress"/>).</summary>
    public const string ReportProgress = nameof(Realtime.IConsoleClient.ReportProgress);

    /// <summary>Server → client: a scheduled report was delivered in-app (<see cref="ReportDelivered"/>).</summary>
    public const string ReportDelivered = nameof(Realtime.IConsoleClient.ReportDelivered);
}
