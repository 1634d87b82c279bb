using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Realtime;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Runs;

/// <summary>Tells a run's owner, live, where it is: one message per stage and at the end. Best effort: a lost message never fails a run.</summary>
public sealed class ReportProgressNotifier(IHubContext<ConsoleHub, IConsoleClient> hub, ILogger<ReportProgressNotifier> logger)
{
    public async Task SendAsync(string ownerUserId, ReportProgress progress)
    {
        try
        {
            await hub.Clients.User(ownerUserId).ReportProgress(progress);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Report progress for run {RunId} not sent: {Error}", progress.RunId, ex.GetType().Name);
        }
    }
}
