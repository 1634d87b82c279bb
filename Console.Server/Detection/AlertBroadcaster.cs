using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Tells every analyst's browser that alerts changed: <c>AlertChanged</c> with the alert to the alert readers, in clear to those with
/// pii:read and masked to the others (ADR 0065),
/// on every node through the Redis backplane when there is one. A browser that was away catches up with
/// <c>GET /api/v1/alerts/changes</c>, so a lost message costs nothing but latency.
/// </summary>
public sealed class AlertBroadcaster(IHubContext<ConsoleHub, IConsoleClient> hub, IServiceScopeFactory scopes, ILogger<AlertBroadcaster> logger)
{
    /// <summary>
    /// Sends the alerts as their writer returned them (<see cref="AlertStore"/>, <see cref="AlertTriage"/>, and
    /// <see cref="ConsoleAlerts.ViewsAsync"/> for Compliance's control-status recorder), after the writer's commit.
    /// </summary>
    public async Task BroadcastAsync(IReadOnlyCollection<AlertView> views, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await SendAsync(scope.ServiceProvider, views, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Sending {Count} alert changes to browsers failed; they catch up on reconnect", views.Count);
        }
    }

    /// <summary>Each alert in clear to the readers with pii:read and masked to the others; never one shape to both.</summary>
    private async Task SendAsync(IServiceProvider services, IEnumerable<AlertView> views, CancellationToken ct)
    {
        var masked = await services.GetRequiredService<AlertMasking>().MaskedAsync(ct);
        foreach (var view in views.OrderBy(v => v.UpdatedAt).ThenBy(v => v.Id))
        {
            ct.ThrowIfCancellationRequested();
            await hub.Clients.Group(ConsoleHub.AlertReadersClear).AlertChanged(AlertShape.Clear.View(view));
            await hub.Clients.Group(ConsoleHub.AlertReadersMasked).AlertChanged(masked.View(view));
        }
    }
}
