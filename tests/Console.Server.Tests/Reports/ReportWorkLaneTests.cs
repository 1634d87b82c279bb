using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Tests.Audit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// Report work inside the console (rendering, hashing, CSV, the PDF's outline) runs on a lane of its own at a lower CPU
/// priority, one piece at a time, and not on the thread pool that serves key verifications (ADR 0135). On a console of
/// its own: the other test consoles run the lane at normal priority (Reports:WorkNice=0) on a shared machine.
/// </summary>
public sealed class ReportWorkLaneTests : IAsyncLifetime
{
    private ConsoleFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?>(AuditTestKit.NoJobServer) { ["Reports:WorkNice"] = "10" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ReportWorkRunsOffTheThreadPoolAtNiceTenAndTheCallerGoesOnAtItsOwnPriority()
    {
        var work = _factory.Services.GetRequiredService<ReportWork>();
        await work.Started.WaitAsync(Ct);
        var (pooled, nice) = await work.RunAsync(() => (Thread.CurrentThread.IsThreadPoolThread, OwnNice()), Ct);
        // The caller's code after the await runs on the thread pool, not on the lane, at the process's own priority: the
        // lane hands nothing to the pool (a thread the pool made there would inherit nice 10).
        var after = OwnNice();
        var process = Nice("/proc/self/stat");

        Assert.False(pooled, "report work ran on a thread-pool thread");
        Assert.Equal(process, after);
        Assert.Equal(process, await Task.Run(() => OwnNice(), Ct));
        if (OperatingSystem.IsLinux())
        {
            // Nice 10, unless the whole test run already runs lower than that.
            Assert.Equal(Math.Max(10, process), work.Nice);
            Assert.Equal(Math.Max(10, process), nice);
        }
    }

    [Fact]
    public async Task TheLaneRunsOnePieceOfWorkAtATime()
    {
        var work = _factory.Services.GetRequiredService<ReportWork>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = false;
        var first = work.RunAsync(() =>
        {
            firstStarted.SetResult();
            release.Task.Wait(Ct);
            return secondStarted;
        }, Ct);
        await firstStarted.Task.WaitAsync(Ct);
        var second = work.RunAsync(() => secondStarted = true, Ct);
        // The second is queued behind the first, however long the first takes.
        await Task.Delay(200, Ct);
        Assert.False(secondStarted);
        release.SetResult();
        Assert.False(await first);
        Assert.True(await second);
    }

    /// <summary>This thread's nice value: field 19 of /proc/thread-self/stat (0 where there is no /proc).</summary>
    private static int OwnNice() => Nice("/proc/thread-self/stat");

    private static int Nice(string statFile)
    {
        if (!File.Exists(statFile))
        {
            return 0;
        }
        var stat = File.ReadAllText(statFile);
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
    }
}
