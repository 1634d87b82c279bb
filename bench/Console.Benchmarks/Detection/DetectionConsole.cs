using System.Diagnostics;
using System.Net.Http.Json;
using SecurityConsole.Testing;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// A console process set up for the alert benchmarks: a fresh database, analysts who sign in through the form, a service key
/// (events:write) for traffic and trip events, and the trip-wire rule added through the API with an admin's rules:manage key.
/// </summary>
internal sealed class DetectionConsole : IAsyncDisposable
{
    private DetectionConsole(ConsoleProcess server, HttpClient events, string[] analysts, string database)
    {
        Database = Npgsql.NpgsqlDataSource.Create(database);
        Server = server;
        Events = events;
        Analysts = analysts;
    }

    public ConsoleProcess Server { get; }

    /// <summary>The console's database, for looking at what it did (the detection backlog).</summary>
    public Npgsql.NpgsqlDataSource Database { get; }

    /// <summary>Authenticated with the service's events:write key.</summary>
    public HttpClient Events { get; }

    public string[] Analysts { get; }

    public static async Task<DetectionConsole> StartAsync(string database, string work, int analysts, int connections)
    {
        var connection = await BenchPostgres.CreateDatabaseAsync(database);
        await BenchServer.CommandAsync(connection, null, "migrate");
        await BenchServer.CreateUserAsync(connection, "admin@bench.example", "Admin");
        var emails = Enumerable.Range(1, analysts).Select(i => $"analyst{i}@bench.example").ToArray();
        foreach (var email in emails)
        {
            await BenchServer.CreateUserAsync(connection, email, "SecurityAnalyst");
        }
        var eventsKey = await BenchServer.CreateTokenAsync(connection, "admin@bench.example", "events:write", "bench-traffic");
        var rulesKey = await BenchServer.CreateTokenAsync(connection, "admin@bench.example", "rules:manage");
        var server = await BenchServer.StartAsync(connection, Path.Combine(work, "console.log"));
        Console.WriteLine($"   console pid {server.Pid} at {server.BaseAddress}, log {work}/console.log");
        using (var rules = server.KeyClient(rulesKey, 1))
        {
            var created = await rules.PostAsJsonAsync("api/v1/rules", BenchEvents.TripRuleBody);
            if (!created.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"The trip rule was refused: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }
        }
        return new DetectionConsole(server, server.KeyClient(eventsKey, connections), emails, connection);
    }

    /// <summary>
    /// Ordinary traffic at a steady rate, open loop: a batch of <paramref name="batchSize"/> every <paramref name="every"/>, each sent
    /// on schedule whether or not earlier ones were answered (a slow console does not slow the load down).
    /// </summary>
    public async Task<TrafficResult> TrafficAsync(int batchSize, TimeSpan every, TimeSpan duration, CancellationToken ct)
    {
        var bodies = BenchEvents.Batches(64, batchSize, seed: 7).Select(BenchEvents.Json).ToArray();
        var inFlight = new List<Task>();
        long sent = 0, acknowledged = 0, failed = 0;
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        for (var k = 0; watch.Elapsed < duration && !ct.IsCancellationRequested; k++)
        {
            var due = every * k;
            if (due > watch.Elapsed)
            {
                await Task.Delay(due - watch.Elapsed, ct).ContinueWith(_ => { }, CancellationToken.None);
            }
            var body = bodies[k % bodies.Length];
            inFlight.Add(Task.Run(async () =>
            {
                var start = Stopwatch.GetTimestamp();
                Interlocked.Add(ref sent, batchSize);
                try
                {
                    using var response = await Events.PostAsync("api/v1/events", BenchEvents.Content(body), CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Add(ref acknowledged, batchSize);
                        lock (latencies)
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        }
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                Interlocked.Add(ref failed, batchSize);
            }, CancellationToken.None));
            if (inFlight.Count > 1_000)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }
        var elapsed = watch.Elapsed.TotalSeconds;
        await Task.WhenAll(inFlight);
        latencies.Sort();
        return new TrafficResult(sent, acknowledged, failed, elapsed, latencies);
    }

    /// <summary>Samples the number of backlog entries not yet through detection (each is one commit of the writer) until cancelled.</summary>
    public async Task<(long Max, double Mean)> WatchBacklogAsync(CancellationToken ct)
    {
        long max = 0, sum = 0, n = 0;
        while (!ct.IsCancellationRequested)
        {
            await using (var count = Database.CreateCommand("SELECT count(*) FROM detection_backlog"))
            {
                var rows = (long)(await count.ExecuteScalarAsync(CancellationToken.None))!;
                max = Math.Max(max, rows);
                sum += rows;
                n++;
            }
            await Task.Delay(100, CancellationToken.None);
        }
        return (max, n == 0 ? 0 : (double)sum / n);
    }

    public async ValueTask DisposeAsync()
    {
        Events.Dispose();
        await Server.DisposeAsync();
        await Database.DisposeAsync();
    }
}

internal sealed record TrafficResult(long Sent, long Acknowledged, long Failed, double Seconds, List<double> SortedLatencies)
{
    public override string ToString() =>
        $"{Acknowledged:N0} of {Sent:N0} events acknowledged ({Acknowledged / Seconds:N0}/s, {Failed} failed); batch answered in " +
        $"p50 {BenchArgs.Quantile(SortedLatencies, 0.5):F1} ms, p99 {BenchArgs.Quantile(SortedLatencies, 0.99):F1} ms";
}
