using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Testing;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// <c>detect-hub-memory [--clients 1000] [--seconds 30] [--analysts 5] [--alerts-per-second 5]</c>: a Release console process on
/// PostgreSQL. Phase 1, no client connected: <c>--seconds</c> of alerts (trip events) → its peak resident memory (VmHWM) is the
/// baseline. Phase 2: <c>--clients</c> hub connections over WebSockets, each authenticated as an analyst's browser is (the sign-in
/// cookie and the console's request header; the analysts sign in once each through the form and their cookies are shared
/// round-robin, because sign-in is limited to 10 a minute per address), then the same alerts for the same time, every client
/// counting what it receives → the peak with the clients. Managed heap from the runtime's counters (EventPipe).
/// </summary>
internal static class HubMemoryBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var clients = a.Int("--clients", 1000);
        var seconds = a.Int("--seconds", 30);
        var analysts = a.Int("--analysts", 5);
        var perSecond = a.Int("--alerts-per-second", 5);
        var work = BenchArgs.WorkDirectory("detect-hub-memory");
        Console.WriteLine($"== detect-hub-memory: {clients} clients ({analysts} analysts), {perSecond} alerts/s for {seconds} s per phase; start {BenchArgs.Stamp()}");

        await using var console = await DetectionConsole.StartAsync("detect_hub_memory", work, analysts, connections: 16);
        var server = console.Server;
        using var counters = RuntimeCounters.TryStart(server.Pid);
        var cookies = new List<string>();
        foreach (var email in console.Analysts)
        {
            var (browser, jar) = await server.SignInAsync(email);
            browser.Dispose();
            cookies.Add(jar.GetCookieHeader(server.BaseAddress));
        }
        var peakRss = 0.0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, server.Memory().RssMb);
                await Task.Delay(200, CancellationToken.None);
            }
        });

        Console.WriteLine($"   started: {Describe(server, counters)}");
        var receipts = new ConcurrentDictionary<string, Receipt>();
        var sent = await AlertsAsync(console, "warm", perSecond, seconds, receipts);
        var baseline = server.Memory();
        var baselineHeap = counters?["gc-heap-size"].Max ?? double.NaN;
        Console.WriteLine($"   phase 1, 0 clients, {sent.Count} alerts: VmHWM {baseline.HwmMb:F0} MB, VmRSS {baseline.RssMb:F0} MB, GC heap peak {baselineHeap:F0} MB; {BenchArgs.Stamp()}");
        counters?.ResetMax();

        var connections = new HubConnection[clients];
        var counts = new int[clients];
        var connect = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(25))
        {
            await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var hub = server.Hub(cookies[i % cookies.Count]);
                    var welcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    hub.On<DateTimeOffset>(HubMethods.Welcome, _ => welcome.TrySetResult());
                    hub.On<AlertView>(HubMethods.AlertChanged, alert =>
                    {
                        var at = Stopwatch.GetTimestamp();
                        Interlocked.Increment(ref counts[i]);
                        if (receipts.TryGetValue(alert.EntityId, out var r))
                        {
                            r.Add(at);
                        }
                    });
                    await hub.StartAsync();
                    await welcome.Task.WaitAsync(TimeSpan.FromSeconds(60));
                    connections[i] = hub;
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        Console.WriteLine($"   {clients} clients connected and welcomed in {connect.Elapsed.TotalSeconds:F1} s: {Describe(server, counters)}");
        receipts.Clear();
        sent = await AlertsAsync(console, "fan", perSecond, seconds, receipts);
        var wait = Stopwatch.StartNew();
        while (counts.Sum() < (long)clients * sent.Count && wait.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }
        var peak = server.Memory();
        var heap = counters?["gc-heap-size"].Max ?? double.NaN;
        await sampling.CancelAsync();
        await sampler;

        var fanOut = sent.Where(s => receipts[s.Actor].Count == clients)
            .Select(s => Stopwatch.GetElapsedTime(s.AcknowledgedAt, receipts[s.Actor].Last).TotalMilliseconds).Order().ToList();
        Console.WriteLine($"   phase 2, {clients} clients, {sent.Count} alerts: VmHWM {peak.HwmMb:F0} MB (baseline {baseline.HwmMb:F0} MB, +{peak.HwmMb - baseline.HwmMb:F0} MB), " +
            $"VmRSS {peak.RssMb:F0} MB, sampled RSS peak {peakRss:F0} MB, GC heap peak {heap:F0} MB (baseline {baselineHeap:F0} MB)");
        Console.WriteLine($"   delivered {counts.Sum():N0} of {(long)clients * sent.Count:N0} alert messages; fewest per client {counts.Min()} of {sent.Count}; " +
            $"2xx → last of {clients} clients: p50 {BenchArgs.Quantile(fanOut, 0.5):F0} ms, p99 {BenchArgs.Quantile(fanOut, 0.99):F0} ms (n = {fanOut.Count})");
        Console.WriteLine($"   goal < 600 MB with {clients} clients: {(peak.HwmMb < 600 ? "met" : "not met")}; end {BenchArgs.Stamp()}");

        await Task.WhenAll(connections.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
        return 0;
    }

    private static string Describe(ConsoleProcess server, RuntimeCounters? counters)
    {
        var (rss, hwm) = server.Memory();
        return $"VmRSS {rss:F0} MB, VmHWM {hwm:F0} MB" + (counters?["gc-heap-size"].Last is { } heap && !double.IsNaN(heap) ? $", GC heap {heap:F0} MB" : "");
    }

    /// <summary>Trip events for new people at a steady rate; each raises one alert that every analyst connection receives.</summary>
    private static async Task<List<(string Actor, long AcknowledgedAt)>> AlertsAsync(
        DetectionConsole console, string prefix, int perSecond, int seconds, ConcurrentDictionary<string, Receipt> receipts)
    {
        var sent = new List<(string, long)>();
        var watch = Stopwatch.StartNew();
        for (var n = 0; n < perSecond * seconds; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / perSecond);
            if (due > watch.Elapsed)
            {
                await Task.Delay(due - watch.Elapsed);
            }
            var actor = $"{prefix}-{n}@bench.example";
            receipts[actor] = new Receipt();
            using var response = await console.Events.PostAsync("api/v1/events", BenchEvents.Content(BenchEvents.Trip(actor)));
            if (response.IsSuccessStatusCode)
            {
                sent.Add((actor, Stopwatch.GetTimestamp()));
            }
        }
        return sent;
    }

    private sealed class Receipt
    {
        private int _count;
        private long _last;

        public int Count => Volatile.Read(ref _count);
        public long Last => Interlocked.Read(ref _last);

        public void Add(long at)
        {
            Interlocked.Increment(ref _count);
            long seen;
            while ((seen = Interlocked.Read(ref _last)) < at && Interlocked.CompareExchange(ref _last, at, seen) != seen)
            {
            }
        }
    }
}
