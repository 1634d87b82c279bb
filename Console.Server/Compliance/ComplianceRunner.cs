using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Re-runs the checks whose inputs a committed change touched, as soon as it is told (<see cref="ComplianceSignals"/>).
/// Signals that arrive while a run is under way are merged into the next run. The first run evaluates everything.
/// </summary>
public sealed class ComplianceRunner(ComplianceSignals signals, CheckRegistry registry, IServiceScopeFactory scopes, ILogger<ComplianceRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(registry.All, stoppingToken);
            while (await signals.Reader.WaitToReadAsync(stoppingToken))
            {
                var inputs = new HashSet<string>(StringComparer.Ordinal);
                while (signals.Reader.TryRead(out var more))
                {
                    inputs.UnionWith(more);
                }
                logger.LogDebug("Compliance: re-running the checks that read {Inputs}", string.Join(", ", inputs.Order(StringComparer.Ordinal)));
                await RunAsync(registry.Reading(inputs), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync(IReadOnlyCollection<CheckDefinition> checks, CancellationToken ct)
    {
        if (checks.Count == 0)
        {
            return;
        }
        try
        {
            await EvaluateAsync(scopes, checks, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database may be away for a moment: the next change or the sweep evaluates again.
            logger.LogError(ex, "Compliance evaluation of {Count} checks failed", checks.Count);
        }
    }

    /// <summary>One evaluation in its own scope, acting as the console itself.</summary>
    public static async Task<IReadOnlyList<ComplianceChange>> EvaluateAsync(IServiceScopeFactory scopes, IReadOnlyCollection<CheckDefinition> checks, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("compliance"));
        return await scope.ServiceProvider.GetRequiredService<ComplianceEvaluator>().RunAsync(checks, ct);
    }
}

/// <summary>The Hangfire sweep: every check, for what only time changes (key age, inactivity, SLAs, expiring attestations and exceptions).</summary>
public sealed class ComplianceSweepJob(CheckRegistry registry, IServiceScopeFactory scopes)
{
    public const string Id = "compliance-sweep";

    public Task RunAsync(CancellationToken ct) => ComplianceRunner.EvaluateAsync(scopes, registry.All, ct);
}

/// <summary>Tells open compliance pages, on every node (Redis backplane), that a control changed.</summary>
public sealed class ComplianceBroadcaster(IHubContext<ConsoleHub, IConsoleClient> hub, ILogger<ComplianceBroadcaster> logger)
{
    public async Task ChangedAsync(IReadOnlyList<ComplianceChange> changes, CancellationToken ct)
    {
        try
        {
            foreach (var change in changes)
            {
                await hub.Clients.Group(ConsoleHub.ComplianceReaders).ComplianceChanged(change);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Sending {Count} compliance changes to browsers failed; pages catch up when they reload", changes.Count);
        }
    }
}
