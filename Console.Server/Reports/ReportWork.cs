using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace SecurityConsole.Server.Reports;

/// <summary>
/// Where the report feature's CPU-heavy steps run inside the console (ADR 0135): rendering a template, hashing a report's
/// data, writing a PDF's outline. One thread of its own (the lane), at a lower CPU priority (<c>Reports:WorkNice</c>,
/// nice 10 by default, on Linux), rather than the thread pool that serves requests: however many runs there are, these
/// steps use at most one core of the console, one at a time, and a key verification that wakes up takes the core from them.
/// </summary>
/// <remarks>
/// <para>Only synchronous work runs on the lane, and the lane hands nothing to the thread pool itself: on Linux a new thread
/// inherits the nice value of the thread that creates it, and the thread pool creates its workers on the thread that asks
/// for one. So the lane passes each result to a second thread of its own, at the console's priority, which completes the
/// caller's task (its continuation then runs on the thread pool, asked for from a normal-priority thread).</para>
/// <para>Nice 10, not SCHED_IDLE as for Chromium (ADR 0100): this thread is inside the console's process, which stops all
/// its threads for a garbage collection and waits until each has stopped; a thread that gets no CPU at all while the
/// machine is busy would hold the whole console still, the hot paths with it. A nice-10 thread still gets a small share.</para>
/// </remarks>
public sealed class ReportWork : IDisposable
{
    /// <summary>Threads of the lane: one, so that report work never takes more than one core from the hot paths.</summary>
    public const int Threads = 1;

    private readonly BlockingCollection<Action> _work = [];
    private readonly BlockingCollection<Action> _completions = [];
    private readonly int _nice;
    private readonly ILogger<ReportWork> _logger;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReportWork(IOptions<ReportsOptions> options, ILogger<ReportWork> logger)
    {
        _nice = options.Value.WorkNice;
        _logger = logger;
        new Thread(Lane) { IsBackground = true, Name = "report-work" }.Start();
        new Thread(Complete) { IsBackground = true, Name = "report-done" }.Start();
    }

    /// <summary>The nice value the lane's thread runs at (Linux): <c>Reports:WorkNice</c>, or the console's own if that is lower; 0 elsewhere.</summary>
    public int Nice { get; private set; }

    /// <summary>Runs <paramref name="work"/> on the lane; the returned task completes on the thread pool.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            Action completion;
            if (ct.IsCancellationRequested)
            {
                completion = () => done.TrySetCanceled(ct);
            }
            else
            {
                try
                {
                    var result = work();
                    completion = () => done.TrySetResult(result);
                }
                catch (OperationCanceledException ex) when (ct.IsCancellationRequested)
                {
                    completion = () => done.TrySetCanceled(ex.CancellationToken);
                }
                catch (Exception ex)
                {
                    completion = () => done.TrySetException(ex);
                }
            }
            Hand(_completions, completion);
        }
        Hand(_work, Run);
        return done.Task;
    }

    /// <summary>Runs a step that is written asynchronously but does its work synchronously (a template render to a string) on the lane.</summary>
    public Task RunAsync(Func<ValueTask> work, CancellationToken ct) => RunAsync(() =>
    {
        // Done at once as a rule; if it did wait after all, its continuations run elsewhere (the lane is no scheduler) and
        // the lane waits for them.
        work().AsTask().GetAwaiter().GetResult();
        return true;
    }, ct);

    private static void Hand(BlockingCollection<Action> queue, Action action)
    {
        try
        {
            queue.Add(action);
        }
        catch (InvalidOperationException)
        {
            // The console is stopping: run it here rather than never.
            action();
        }
    }

    private void Lane()
    {
        if (OperatingSystem.IsLinux())
        {
            LowerOwnPriority();
        }
        _started.TrySetResult();
        foreach (var run in _work.GetConsumingEnumerable())
        {
            run();
        }
    }

    private void Complete()
    {
        foreach (var complete in _completions.GetConsumingEnumerable())
        {
            complete();
        }
    }

    private void LowerOwnPriority()
    {
        try
        {
            var tid = gettid();
            // On Linux a nice value is a thread's own: PRIO_PROCESS with a thread id lowers this thread only. A console
            // started at a lower priority than that keeps its own (raising it would need privileges).
            var current = getpriority(PrioProcess, tid);
            if (_nice <= current)
            {
                Nice = current;
            }
            else if (setpriority(PrioProcess, tid, _nice) == 0)
            {
                Nice = _nice;
            }
            else
            {
                Nice = current;
                _logger.LogWarning("Report work runs at the console's CPU priority: setpriority failed ({Errno}).", Marshal.GetLastPInvokeError());
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _logger.LogWarning("Report work runs at the console's CPU priority: {Reason}", ex.Message);
        }
    }

    /// <summary>Completes once the lane has set its priority (tests read <see cref="Nice"/> after it).</summary>
    public Task Started => _started.Task;

    public void Dispose()
    {
        _work.CompleteAdding();
        _completions.CompleteAdding();
    }

    private const int PrioProcess = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int getpriority(int which, int who);

    [DllImport("libc")]
    private static extern int gettid();
}
