using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Events;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Detection, off the request path. The writer hands over each committed batch through a bounded channel;
/// one loop evaluates the rules (in-memory windows and baselines), stores the alerts together with the deletion
/// of the batch's backlog entry, and tells browsers. A periodic sweep takes backlog entries nobody is working on
/// (written before a crash or a restart, dropped by a full channel, or left by another node that died), so every
/// committed event goes through detection. Rules are re-read when their generation (<see cref="RulesGeneration"/>) moves, here or on another node.
/// </summary>
public sealed class DetectionPipeline(
    IServiceScopeFactory scopes, AlertStore alerts, AlertBroadcaster broadcaster, BaselineStore baselines, DetectionOptions options,
    DetectionLeadership leadership, TimeProvider clock, ILogger<DetectionPipeline> logger) : BackgroundService
{
    public const int Capacity = 256;

    /// <summary>At most this many of the writer's commits go through detection in one transaction.</summary>
    public const int MaxBatchesPerTransaction = 64;
    private const int SweepBatch = 20;

    private readonly Channel<CommittedBatch> _batches = Channel.CreateBounded<CommittedBatch>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly RuleEngine _engine = new();

    /// <summary>Backlog entries waiting in this node's channel: the sweep leaves them alone however old they get.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, byte> _queued = new();

    /// <summary>
    /// This node's own backlog entries that a sweep took before the writer handed them over: the writer commits first and
    /// enqueues after, and a sweep in between finds the entry in the backlog and not yet queued. The channel's copy is then
    /// not evaluated again (a second evaluation counts its events twice in the rules' windows, and its alerts, stored against
    /// a backlog entry already gone, were dropped: a threshold reached there raised nothing). Read and written by the loop
    /// only; kept for <see cref="SweptOwnKeptFor"/> at most, for an entry the writer never hands over (a full channel).
    /// </summary>
    private readonly Dictionary<long, long> _sweptOwn = [];
    private static readonly TimeSpan SweptOwnKeptFor = TimeSpan.FromMinutes(10);
    private volatile bool _rulesChanged = true;
    private long? _rulesGeneration;
    private long _rulesCheckedAt = long.MinValue / 2;
    private long _sweptAt = long.MinValue / 2;
    private long _flushedAt = Stopwatch.GetTimestamp();
    private Task _saving = Task.CompletedTask;
    private long _processed;

    /// <summary>Events evaluated by this node since it started.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    /// <summary>False when the channel is full, or another node detects (ADR 0043): the batch then waits in the backlog for the sweep.</summary>
    public bool Enqueue(CommittedBatch batch)
    {
        if (!leadership.Leading)
        {
            return false;
        }
        if (batch.BacklogId is { } id)
        {
            _queued[id] = 0;
        }
        if (_batches.Writer.TryWrite(batch))
        {
            return true;
        }
        if (batch.BacklogId is { } dropped)
        {
            _queued.TryRemove(dropped, out _);
        }
        return false;
    }

    /// <summary>A rule changed on this node: re-read the rules before the next batch.</summary>
    public void RulesChanged() => _rulesChanged = true;

    /// <summary>Runs the sweep now (tests, and a node's start), whatever its interval.</summary>
    public void SweepSoon() => _sweptAt = long.MinValue / 2;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.PipelineEnabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await leadership.HoldAsync(stoppingToken))
                {
                    // Another node detects every node's events: what this one had queued is its from the backlog.
                    while (_batches.Reader.TryRead(out var left))
                    {
                        if (left.BacklogId is { } id)
                        {
                            _queued.TryRemove(id, out _);
                        }
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(500), clock, stoppingToken);
                    continue;
                }
                await RefreshRulesAsync(stoppingToken);
                List<CommittedBatch> taken;
                while ((taken = TakeQueued()).Count > 0)
                {
                    try
                    {
                        await DetectAsync(taken, stoppingToken);
                    }
                    finally
                    {
                        // Done, or failed for good: either way the sweep may take what is left in the backlog.
                        foreach (var batch in taken)
                        {
                            if (batch.BacklogId is { } id)
                            {
                                _queued.TryRemove(id, out _);
                            }
                        }
                    }
                }
                // The leader of a cluster sweeps at every turn: the other nodes' commits reach it only through the backlog.
                if (leadership.Shared || Due(ref _sweptAt, options.SweepInterval))
                {
                    await SweepAsync(stoppingToken);
                }
                if (_saving.IsCompleted && Due(ref _flushedAt, options.BaselineFlushInterval))
                {
                    // Taken here, where the evaluators live; written beside the loop, so that thousands of baselines
                    // being saved do not hold up the alerts of the next commits.
                    var learned = BaselineStore.TakeDirty(_engine);
                    // Not cancelled by the stop: StopAsync waits for it, so that what was taken is not lost.
                    _saving = Task.Run(() => SaveBaselinesAsync(learned), CancellationToken.None);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(TimeSpan.FromMilliseconds(500));
                try
                {
                    await _batches.Reader.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Detection failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), clock, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }
    }

    private async Task SaveBaselinesAsync(List<LearnedState> learned)
    {
        try
        {
            await baselines.SaveAsync(learned, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Saving {Count} baselines failed; each is saved again when it next changes", learned.Count);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (options.PipelineEnabled)
        {
            try
            {
                await _saving;
                await baselines.FlushAsync(_engine, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Saving baselines at shutdown failed");
            }
        }
    }

    /// <summary>
    /// Everything the writer has handed over so far, up to <see cref="MaxBatchesPerTransaction"/> commits: detected together and
    /// stored in one transaction, so that detection keeps up with the writer's rate of commits instead of paying a commit of its own for each.
    /// A batch a sweep has detected already (<see cref="_sweptOwn"/>) is left out: each event goes through the rules once.
    /// </summary>
    private List<CommittedBatch> TakeQueued()
    {
        var taken = new List<CommittedBatch>();
        while (taken.Count < MaxBatchesPerTransaction && _batches.Reader.TryRead(out var batch))
        {
            if (batch.BacklogId is { } id && _sweptOwn.Remove(id))
            {
                _queued.TryRemove(id, out _);
                continue;
            }
            taken.Add(batch);
        }
        return taken;
    }

    /// <summary>Detects committed batches with the current rules and stores what they raise; the loop's step, callable by tests.</summary>
    internal async Task DetectAsync(IReadOnlyList<CommittedBatch> batches, CancellationToken ct)
    {
        await RefreshRulesAsync(ct);
        await ProcessAsync(batches, ct);
    }

    private async Task ProcessAsync(IReadOnlyList<CommittedBatch> batches, CancellationToken ct)
    {
        // Evaluated once, in commit order: the rules' windows and baselines see each event once, whatever happens to the storing.
        var hits = batches.Select(b => _engine.Evaluate(b.Events)).ToList();
        Interlocked.Add(ref _processed, batches.Sum(b => b.Events.Count));
        if (await StoreAsync([.. hits.SelectMany(h => h)], [.. batches.Select(b => b.BacklogId).OfType<long>()], ct) || batches.Count == 1)
        {
            return;
        }
        // Another node's sweep took some of these batches: store each on its own, so that only the alerts of those are dropped.
        for (var i = 0; i < batches.Count; i++)
        {
            await StoreAsync(hits[i], batches[i].BacklogId is { } id ? [id] : [], ct);
        }
    }

    /// <summary>Stores the alerts with the deletion of the backlog entries and tells browsers; false if any entry was already gone.</summary>
    private async Task<bool> StoreAsync(IReadOnlyList<RuleHit> hits, IReadOnlyCollection<long> backlogIds, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var changed = await alerts.ApplyAsync(hits, backlogIds, ct);
                if (changed is { Count: > 0 })
                {
                    await broadcaster.BroadcastAsync(changed, ct);
                }
                return changed is not null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt < 5)
            {
                logger.LogWarning(ex, "Storing {Count} detections failed (attempt {Attempt}); retrying", hits.Count, attempt);
                await Task.Delay(TimeSpan.FromSeconds(1 << attempt), clock, ct);
            }
        }
    }

    private async Task SweepAsync(CancellationToken ct)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, at) in _sweptOwn)
        {
            if (Stopwatch.GetElapsedTime(at, now) > SweptOwnKeptFor)
            {
                _sweptOwn.Remove(id);
            }
        }
        while (true)
        {
            List<(DetectionBacklog Entry, List<SecurityEvent> Events)> taken = [];
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
                var cutoff = clock.GetUtcNow() - options.OrphanAfter;
                var queued = _queued.Keys.ToList();
                // The leader takes every node's entries at once; otherwise only nobody's and the orphaned.
                var everyNode = leadership.Shared;
                var entries = await db.DetectionBacklog.AsNoTracking()
                    .Where(b => (everyNode || b.Node == null || b.CreatedAt < cutoff) && !queued.Contains(b.Id))
                    .OrderBy(b => b.Id).Take(SweepBatch).ToListAsync(ct);
                foreach (var entry in entries)
                {
                    taken.Add((entry, await SecurityEventStore.LoadAsync(db, entry.EventIds, ct)));
                    if (entry.Node == options.Node)
                    {
                        // Committed by this node's writer, which may not have handed it over yet: its copy is skipped then.
                        _sweptOwn[entry.Id] = Stopwatch.GetTimestamp();
                    }
                }
            }
            foreach (var (entry, events) in taken.Where(t => !leadership.Shared || t.Entry.Node is null || t.Entry.CreatedAt < clock.GetUtcNow() - options.OrphanAfter))
            {
                logger.LogInformation("Detecting {Count} events left in the backlog by {Node}", events.Count, entry.Node ?? "nobody");
            }
            if (taken.Count > 0)
            {
                await DetectAsync([.. taken.Select(t => new CommittedBatch(t.Entry.Id, t.Events))], ct);
            }
            if (taken.Count < SweepBatch)
            {
                return;
            }
        }
    }

    private async Task RefreshRulesAsync(CancellationToken ct)
    {
        if (!_rulesChanged && !Due(ref _rulesCheckedAt, options.RulesRefreshInterval))
        {
            return;
        }
        _rulesChanged = false;
        _rulesCheckedAt = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        // Every create, update and delete of a rule, here or on another node, raises the generation in its own transaction.
        // Read before the rules: a change committed in between raises it again, and the next check reloads.
        var generation = await RulesGeneration.ReadAsync(db, ct);
        if (generation == _rulesGeneration)
        {
            return;
        }
        // A save in progress first: what is flushed now is newer and must be written after it.
        await _saving;
        await baselines.FlushAsync(_engine, ct);
        var compiled = new List<CompiledRule>();
        foreach (var row in await db.DetectionRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(ct))
        {
            try
            {
                compiled.Add(CompiledRule.From(row));
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.Text.Json.JsonException)
            {
                logger.LogError(ex, "Rule {Rule} has unreadable parameters and is skipped", row.Id);
            }
        }
        var fresh = _engine.Apply(compiled);
        await baselines.LoadAsync(db, fresh, ct);
        _rulesGeneration = generation;
        logger.LogInformation("Detection rules loaded: {Rules}", string.Join(", ", compiled.Select(r => $"{r.Id} v{r.Version}")));
    }

    private static bool Due(ref long last, TimeSpan interval)
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(last, now) < interval)
        {
            return false;
        }
        last = now;
        return true;
    }
}
