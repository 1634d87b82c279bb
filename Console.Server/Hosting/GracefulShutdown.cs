using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Realtime;

namespace SecurityConsole.Server.Hosting;

/// <summary>How a node stops on SIGTERM (section <c>Shutdown</c>).</summary>
public sealed class ShutdownSettings
{
    /// <summary>Seconds a stopping node keeps serving, not ready, before it stops listening.</summary>
    [Range(0, 120)]
    public double DrainSeconds { get; set; } = 5;
}

/// <summary>
/// On SIGTERM a node first turns not ready (<c>/health/ready</c> 503, check <c>shutdown</c>) and keeps serving for
/// <see cref="ShutdownSettings.DrainSeconds"/>, so that the load balancer stops sending it requests while those in
/// flight (an event batch waiting for its commit) are committed and answered, and hub connections are closed so that
/// browsers reconnect to another node (<see cref="HubDrain"/>); only then does Kestrel stop listening and
/// the rest of the host stop. Without the pause Kestrel would refuse new connections at once, and a balancer that has
/// not yet noticed would send requests into a closed port.
/// </summary>
public sealed class GracefulShutdown(ShutdownSettings settings, HubDrain hubs, ILogger<GracefulShutdown> logger) : IHostedLifecycleService, IHealthCheck
{
    public const string CheckName = "shutdown";
    private volatile bool _stopping;

    /// <summary>Whether SIGTERM has arrived: not ready, and refusing new hub connections (503) so they go elsewhere.</summary>
    public bool Stopping => _stopping;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        logger.LogInformation("Stopping: not ready from now on; serving for {DrainSeconds} s more before closing the port.", settings.DrainSeconds);
        // Browsers on this node reconnect now, through the balancer, to a node that stays, and catch up there; waiting
        // for the port to close would cut them all at once at the end of the drain.
        hubs.CloseAll();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.DrainSeconds), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out first: stop now.
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_stopping ? HealthCheckResult.Unhealthy("The node is stopping.") : HealthCheckResult.Healthy("Serving."));

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class GracefulShutdownExtensions
{
    public static void AddGracefulShutdown(this WebApplicationBuilder builder)
    {
        var settings = builder.AddSettings<ShutdownSettings>("Shutdown");
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<GracefulShutdown>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GracefulShutdown>());
        builder.Services.AddHealthChecks().AddCheck<GracefulShutdown>(GracefulShutdown.CheckName, tags: ["ready"]);
        // The pause, then what is in flight, must fit in the host's shutdown timeout (30 s by default).
        builder.Services.Configure<HostOptions>(o =>
        {
            var needed = TimeSpan.FromSeconds(settings.DrainSeconds + 25);
            if (o.ShutdownTimeout < needed)
            {
                o.ShutdownTimeout = needed;
            }
        });
    }
}
