using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// <c>detect-latency [--seconds 60] [--batch 10] [--every-ms 10] [--trip-ms 200]</c>: a Release console process on PostgreSQL,
/// one analyst signed in through the form and connected to /hubs/alerts over WebSockets, ordinary traffic at a steady rate
/// (a batch of 10 every 10 ms = 1,000 events/s, open loop), and every 200 ms one event that trips the threshold rule for a
/// new person. Measured per trip, on this process's Stopwatch: from the 2xx of its POST to the <c>alertChanged</c> of its
/// alert at the analyst's connection.
/// </summary>
internal static class AlertLatencyBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var seconds = a.Int("--seconds", 60);
        var batch = a.Int("--batch", 10);
        var everyMs = a.Int("--every-ms", 10);
        var tripMs = a.Int("--trip-ms", 200);
        var work = BenchArgs.WorkDirectory("detect-latency");
        Console.WriteLine($"== detect-latency: traffic {batch} events every {everyMs} ms ({batch * 1000 / everyMs:N0} events/s), a trip every {tripMs} ms, {seconds} s; start {BenchArgs.Stamp()}");

        await using var console = await DetectionConsole.StartAsync("detect_latency", work, analysts: 1, connections: 64);
        var (browser, cookies) = await console.Server.SignInAsync(console.Analysts[0]);
        browser.Dispose();
        await using var hub = console.Server.Hub(cookies.GetCookieHeader(console.Server.BaseAddress));
        var arrivals = new ConcurrentDictionary<string, long>();
        var otherAlerts = 0;
        hub.On<AlertView>(HubMethods.AlertChanged, alert =>
        {
            var at = Stopwatch.GetTimestamp();
            if (alert.RuleId != BenchEvents.TripRule || !arrivals.TryAdd(alert.EntityId, at))
            {
                Interlocked.Increment(ref otherAlerts);
            }
        });
        var welcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<DateTimeOffset>(HubMethods.Welcome, _ => welcome.TrySetResult());
        await hub.StartAsync();
        await welcome.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Console.WriteLine("== warm-up: 10 s of the same load (not counted)");
        await RunAsync(console, $"warm-{Guid.NewGuid():N}"[..12], batch, everyMs, tripMs, 10, arrivals);
        Interlocked.Exchange(ref otherAlerts, 0);

        Console.WriteLine($"== measured run; load {File.ReadAllText("/proc/loadavg")[..14]}");
        var cpu = BenchArgs.CpuSeconds(console.Server.Pid);
        using var watching = new CancellationTokenSource();
        var backlog = console.WatchBacklogAsync(watching.Token);
        var (traffic, trips) = await RunAsync(console, "trip", batch, everyMs, tripMs, seconds, arrivals);
        cpu = BenchArgs.CpuSeconds(console.Server.Pid) - cpu;
        await watching.CancelAsync();
        var (backlogMax, backlogMean) = await backlog;
        Console.WriteLine($"   traffic: {traffic}");
        Console.WriteLine($"   detection backlog (commits not yet through detection, sampled every 100 ms): mean {backlogMean:F1}, max {backlogMax}");
        var latencies = new List<double>();
        var slowest = new List<(double Ms, double At)>();
        var early = 0;
        var first = trips.Count > 0 ? trips.Min(t => t.AcknowledgedAt) : 0;
        foreach (var (actor, acknowledgedAt) in trips)
        {
            if (arrivals.TryGetValue(actor, out var arrivedAt))
            {
                var ms = Stopwatch.GetElapsedTime(acknowledgedAt, arrivedAt).TotalMilliseconds;
                if (arrivedAt < acknowledgedAt)
                {
                    // The alert overtook the HTTP answer of its own event: latency 0 from the sender's point of view.
                    early++;
                    ms = 0;
                }
                latencies.Add(ms);
                slowest.Add((ms, Stopwatch.GetElapsedTime(first, acknowledgedAt).TotalSeconds));
            }
        }
        latencies.Sort();
        Console.WriteLine($"   slowest (ms @ s into the run): {string.Join(", ", slowest.OrderByDescending(x => x.Ms).Take(8).Select(x => $"{x.Ms:F0} @ {x.At:F1}"))}");
        Console.WriteLine($"   trips acknowledged: {trips.Count}; alerts received: {latencies.Count} ({trips.Count - latencies.Count} missing, {early} arrived before the 2xx); other alerts: {otherAlerts}");
        Console.WriteLine($"   2xx → alertChanged (ms): p50 {BenchArgs.Quantile(latencies, 0.5):F1}  p90 {BenchArgs.Quantile(latencies, 0.9):F1}  " +
            $"p99 {BenchArgs.Quantile(latencies, 0.99):F1}  max {(latencies.Count > 0 ? latencies[^1] : double.NaN):F1}  (n = {latencies.Count})");
        var p99 = BenchArgs.Quantile(latencies, 0.99);
        Console.WriteLine($"   goal p99 < 100 ms at 1,000 events/s: {(p99 < 100 && latencies.Count == trips.Count ? "met" : "not met")}");
        Console.WriteLine($"   console CPU {cpu:F1} s in {seconds} s; memory {console.Server.Memory().RssMb:F0} MB resident; end {BenchArgs.Stamp()}");
        return 0;
    }

    /// <summary>Traffic and trips side by side for the given time; returns the trips' 2xx times by person.</summary>
    private static async Task<(TrafficResult Traffic, List<(string Actor, long AcknowledgedAt)> Trips)> RunAsync(
        DetectionConsole console, string prefix, int batch, int everyMs, int tripMs, int seconds, ConcurrentDictionary<string, long> arrivals)
    {
        var duration = TimeSpan.FromSeconds(seconds);
        var traffic = console.TrafficAsync(batch, TimeSpan.FromMilliseconds(everyMs), duration, CancellationToken.None);
        var trips = new List<(string, long)>();
        var sends = new List<Task>();
        var watch = Stopwatch.StartNew();
        for (var n = 0; watch.Elapsed < duration; n++)
        {
            var due = TimeSpan.FromMilliseconds(tripMs * n);
            if (due > watch.Elapsed)
            {
                await Task.Delay(due - watch.Elapsed);
            }
            var actor = $"{prefix}-{n}@bench.example";
            sends.Add(Task.Run(async () =>
            {
                using var response = await console.Events.PostAsync("api/v1/events", BenchEvents.Content(BenchEvents.Trip(actor)));
                var at = Stopwatch.GetTimestamp();
                if (response.IsSuccessStatusCode)
                {
                    lock (trips)
                    {
                        trips.Add((actor, at));
                    }
                }
            }));
        }
        await Task.WhenAll(sends);
        var result = await traffic;
        // The last alerts: a few seconds of grace, then whatever has not come is missing.
        var deadline = Stopwatch.StartNew();
        while (trips.Any(t => !arrivals.ContainsKey(t.Item1)) && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }
        return (result, trips);
    }
}
