using System.Collections.Concurrent;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Many consoles run in one test process. Hangfire's AddHangfire points its services at the process-wide JobStorage.Current
/// and JobActivator.Current, which the last console to start had set: a console could enqueue into another's storage (a run
/// that stays queued for ever, as ReportQueueTests once saw) or run a job in another console's services. Each console now
/// has its own storage and activator (Hosting/Jobs.cs, ADR 0070).
/// </summary>
public sealed class JobStoragePerConsoleTests
{
    [Fact]
    public async Task TwoConsolesInOneProcessEachRunTheJobsEnqueuedInThem()
    {
        await using var first = ConsoleFactory.Sqlite();
        await using var second = ConsoleFactory.Sqlite();
        // Starting a console runs Program and its Hangfire server: both are up before anything is enqueued.
        first.CreateClient().Dispose();
        second.CreateClient().Dispose();

        var firstStorage = first.Services.GetRequiredService<JobStorage>();
        var secondStorage = second.Services.GetRequiredService<JobStorage>();
        Assert.NotSame(firstStorage, secondStorage);

        var inFirst = $"first-{Guid.NewGuid():N}";
        var inSecond = $"second-{Guid.NewGuid():N}";
        first.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<JobProbe>(p => p.Run(inFirst));
        second.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<JobProbe>(p => p.Run(inSecond));

        // Each job ran, and ran in the services (the database) of the console that enqueued it.
        var firstDatabase = first.Services.GetRequiredService<ConsoleSettings>().ConnectionString;
        var secondDatabase = second.Services.GetRequiredService<ConsoleSettings>().ConnectionString;
        await Eventually.HoldsAsync("both probes to run", () =>
            (JobProbe.RanIn.ContainsKey(inFirst) && JobProbe.RanIn.ContainsKey(inSecond), string.Join(", ", JobProbe.RanIn.Keys)));
        Assert.Equal(firstDatabase, JobProbe.RanIn[inFirst]);
        Assert.Equal(secondDatabase, JobProbe.RanIn[inSecond]);

        // And the recurring jobs each console registered at start are in its own storage.
        using var firstConnection = firstStorage.GetConnection();
        using var secondConnection = secondStorage.GetConnection();
        Assert.NotEmpty(firstConnection.GetAllItemsFromSet("recurring-jobs"));
        Assert.NotEmpty(secondConnection.GetAllItemsFromSet("recurring-jobs"));
    }
}

/// <summary>A job that notes which console's services it ran in (Hangfire's activator builds it from that console's container).</summary>
public sealed class JobProbe(ConsoleSettings settings)
{
    public static readonly ConcurrentDictionary<string, string> RanIn = new(StringComparer.Ordinal);

    public void Run(string marker) => RanIn[marker] = settings.ConnectionString;
}
