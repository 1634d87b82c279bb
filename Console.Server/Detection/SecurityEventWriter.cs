using System.Threading.Channels;
using SecurityConsole.Server.Events;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// The one writer of security events on this node. Requests and the console's own emitters queue their
/// events; a commit loop takes everything queued (up to <see cref="DetectionOptions.MaxEventsPerCommit"/>)
/// and commits it at once, so concurrent requests share one transaction (group commit). On PostgreSQL
/// <see cref="DetectionOptions.WriterCommits"/> loops do so side by side, so that one group is written while another waits for its commit. After the commit it
/// answers the waiting requests and hands the events to the detection pipeline: nothing on the request path
/// waits for detection.
/// </summary>
public sealed class SecurityEventWriter(
    SecurityEventStore store, DetectionPipeline pipeline, DetectionOptions options, ILogger<SecurityEventWriter> logger)
    : BackgroundService, ISecurityEventSink
{
    /// <summary>Queued writes (a batch counts once). Beyond this, <see cref="WriteAsync"/> waits and <see cref="Emit"/> drops.</summary>
    public const int Capacity = 20_000;

    private readonly int _commitLoops = Math.Min(options.WriterCommits, store.ConcurrentCommits);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = Math.Min(options.WriterCommits, store.ConcurrentCommits) == 1,
    });

    private long _dropped;

    /// <summary>Events of <see cref="Emit"/> lost to a full queue or a failed commit since the start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Emit(SecurityEvent e)
    {
        if (!_queue.Writer.TryWrite(new Pending([e], null)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public async Task<long[]> WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken ct)
    {
        var done = new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(events, done), ct);
        // Once queued, the write happens even if the caller stops waiting.
        return await done.Task.WaitAsync(ct);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _commitLoops).Select(_ => CommitLoopAsync(stoppingToken)));

    private async Task CommitLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await CommitQueuedAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // What was queued before the stop is still written: a request waiting for it gets its answer.
        while (_queue.Reader.TryPeek(out _) && !cancellationToken.IsCancellationRequested)
        {
            await CommitQueuedAsync(cancellationToken);
        }
    }

    private async Task CommitQueuedAsync(CancellationToken ct)
    {
        var taken = new List<Pending>();
        var events = new List<SecurityEvent>();
        while (events.Count < options.MaxEventsPerCommit && _queue.Reader.TryRead(out var next))
        {
            taken.Add(next);
            events.AddRange(next.Events);
        }
        if (events.Count == 0)
        {
            return;
        }
        DetectionBacklog backlog;
        try
        {
            backlog = await store.AppendAsync(events, options.PipelineEnabled ? options.Node : null, ct);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Storing {Count} security events failed", events.Count);
            foreach (var p in taken)
            {
                if (p.Done is null)
                {
                    Interlocked.Add(ref _dropped, p.Events.Count);
                }
                p.Done?.TrySetException(new EventStoreUnavailableException(ex));
            }
            return;
        }
        foreach (var p in taken)
        {
            p.Done?.TrySetResult([.. p.Events.Select(e => e.Id)]);
        }
        if (options.PipelineEnabled)
        {
            // A full pipeline leaves the batch in the backlog, where the sweep finds it.
            pipeline.Enqueue(new CommittedBatch(backlog.Id, events));
        }
    }

    private sealed record Pending(IReadOnlyList<SecurityEvent> Events, TaskCompletionSource<long[]>? Done);
}

/// <summary>Events just committed, with the backlog entry to delete once they are through detection.</summary>
public sealed record CommittedBatch(long? BacklogId, IReadOnlyList<SecurityEvent> Events);
