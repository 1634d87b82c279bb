using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Shared.Realtime;

/// <summary>
/// What the console's hub (<c>/hubs/alerts</c>) sends to browsers. The server sends through this interface
/// (<c>IHubContext&lt;ConsoleHub, IConsoleClient&gt;</c>); the browser subscribes by these methods' names
/// (<c>nameof(IConsoleClient.AlertChanged)</c>), so neither side spells a method name as a string.
/// </summary>
public interface IConsoleClient
{
    /// <summary>The server's clock, sent on connect; proves the channel end to end.</summary>
    Task Welcome(DateTimeOffset serverTime);

    /// <summary>A new or changed alert, to those who may read alerts.</summary>
    Task AlertChanged(AlertView alert);

    /// <summary>The dashboard counters changed, to those who may read alerts.</summary>
    Task StatsChanged(DetectionStats stats);

    /// <summary>Something about one's own keys or requests changed; approvers also hear of new requests.</summary>
    Task KeyNotice(KeyNotice notice);

    /// <summary>A compliance control changed status, to those who may read compliance.</summary>
    Task ComplianceChanged(ComplianceChange change);

    /// <summary>A report run moved on a stage, or ended, to its owner only.</summary>
    Task ReportProgress(ReportProgress progress);

    /// <summary>A scheduled report was delivered in the app, to its owner only.</summary>
    Task ReportDelivered(ReportDelivered delivered);
}
