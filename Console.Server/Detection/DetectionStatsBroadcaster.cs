using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Sends <c>StatsChanged</c> (<see cref="DetectionStats"/>) to alert readers every few seconds when the numbers
/// changed, and at least once a minute, so that the Dashboard's counters move without polling.
/// </summary>
public sealed class DetectionStatsBroadcaster(
    IServiceScopeFactory scopes, IHubContext<ConsoleHub, IConsoleClient> hub, DetectionOptions options, TimeProvider clock, ILogger<DetectionStatsBroadcaster> logger)
    : BackgroundService
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMinutes(1);

    public static async Task<DetectionStats> StatsAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var open = await db.Alerts.AsNoTracking()
            .Where(a => a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged)
            .GroupBy(a => a.Severity).Select(g => new { Severity = g.Key, Count = g.Count() }).ToListAsync(ct);
        var minuteAgo = now.AddMinutes(-1);
        var lastMinute = await db.SecurityEvents.CountAsync(e => e.Time >= minuteAgo && e.Time <= now, ct);
        var bySeverity = AlertSeverities.All.Select(s => new SeverityCount(s, open.FirstOrDefault(o => o.Severity == s)?.Count ?? 0)).ToList();
        return new DetectionStats(bySeverity, bySeverity.Sum(s => s.Count), lastMinute, now);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.StatsInterval);
        string? last = null;
        var sentAt = DateTimeOffset.MinValue;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var now = clock.GetUtcNow();
                    var stats = await StatsAsync(scope.ServiceProvider.GetRequiredService<ConsoleDbContext>(), now, stoppingToken);
                    var key = $"{string.Join(',', stats.OpenBySeverity.Select(s => s.Count))}:{stats.EventsLastMinute}";
                    if (key != last || now - sentAt >= Heartbeat)
                    {
                        await hub.Clients.Group(ConsoleHub.AlertReaders).StatsChanged(stats);
                        last = key;
                        sentAt = now;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogDebug(ex, "Detection stats not sent");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
