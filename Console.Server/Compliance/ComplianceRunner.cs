using Microsoft.AspNetCore.SignalR;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Re-runs the checks whose inputs a committed change touched, as soon as it is told (<see cref="ComplianceSignals"/>).
/// The first run evaluates everything. Each check runs at most once at a time: a signal for a check that is running marks
/// it to run once more when that run ends (however many signals arrive meanwhile); a signal for checks that are not
/// running starts them at once, beside any run under way, so that a long re-run of the key checks does not hold back the
/// user checks of an unrelated change (ADR 0166).
/// </summary>
public sealed class ComplianceRunner(ComplianceSignals signals, CheckRegistry registry, IServiceScopeFactory scopes, ILogger<ComplianceRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new HashSet<string>(StringComparer.Ordinal);
        var again = new HashSet<string>(StringComparer.Ordinal);
        var runs = new List<(Task Run, IReadOnlyCollection<CheckDefinition> Checks)>();
        Task<bool>? signalled = null;
        try
        {
            Start(registry.All, "everything");
            while (true)
            {
                signalled ??= signals.Reader.WaitToReadAsync(stoppingToken).AsTask();
                var waits = new List<Task>(runs.Count + 1) { signalled };
                waits.AddRange(runs.Select(r => r.Run));
                var done = await Task.WhenAny(waits);
                if (done == signalled)
                {
                    if (!await signalled)
                    {
                        break;
                    }
                    signalled = null;
                    var inputs = new HashSet<string>(StringComparer.Ordinal);
                    while (signals.Reader.TryRead(out var more))
                    {
                        inputs.UnionWith(more);
                    }
                    var due = registry.Reading(inputs);
                    again.UnionWith(due.Where(c => running.Contains(c.Id)).Select(c => c.Id));
                    Start([.. due.Where(c => !running.Contains(c.Id))], string.Join(", ", inputs.Order(StringComparer.Ordinal)));
                    continue;
                }
                var finished = runs.Single(r => r.Run == done);
                runs.Remove(finished);
                running.ExceptWith(finished.Checks.Select(c => c.Id));
                var rerun = finished.Checks.Where(c => again.Remove(c.Id)).ToList();
                Start(rerun, "changes made while they ran");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Runs under way end with the stopping token.
        await Task.WhenAll(runs.Select(r => r.Run));

        void Start(IReadOnlyCollection<CheckDefinition> checks, string why)
        {
            if (checks.Count == 0)
            {
                return;
            }
            logger.LogDebug("Compliance: re-running {Checks} ({Why})", string.Join(", ", checks.Select(c => c.Id)), why);
            running.UnionWith(checks.Select(c => c.Id));
            runs.Add((RunAsync(checks, stoppingToken), checks));
        }
    }

    /// <summary>One run of these checks; never throws (a failure is logged, and the next change or the sweep evaluates again).</summary>
    private async Task RunAsync(IReadOnlyCollection<CheckDefinition> checks, CancellationToken ct)
    {
        // Off the loop's own thread: the loop keeps taking signals while this runs.
        await Task.Yield();
        try
        {
            await EvaluateAsync(scopes, checks, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
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
