using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Detection;
using SecurityConsole.Testing;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// <c>detect-ingest [--seconds 20] [--rounds 3] [--senders 8] [--batch 500]</c>: sustained ingestion on PostgreSQL, three lines
/// side by side in one run, the same rows, the same batch size and number of concurrent senders, alternating order:
/// <list type="bullet">
/// <item><b>raw COPY</b>: each sender opens a pooled connection and writes its batch with <see cref="NpgsqlBinaryImporter"/>
/// (one COPY, one commit) into <c>raw_events</c>, a copy of the console's table with its indexes (<c>LIKE … INCLUDING ALL</c>);</item>
/// <item><b>writer</b>: the console's <see cref="SecurityEventWriter"/> in this process (group commit, ids from the sequence, COPY,
/// backlog row), no HTTP, detection off;</item>
/// <item><b>console</b>: the Release Console.Server process, <c>POST /api/v1/events</c> over loopback HTTP with an events:write key,
/// detection on; events counted from 2xx answers and checked against the rows in the table.</item>
/// </list>
/// Each run starts on empty tables (TRUNCATE), all on one throwaway PostgreSQL 15 with durable defaults (fsync on).
/// </summary>
internal static class IngestionBench
{
    private const string Source = "bench-ingest";

    private const string RawCopy =
        """COPY raw_events ("Time", "ReceivedAt", "Type", "Source", "Actor", "KeyPrefix", "SourceIp", "Outcome", "Attributes", "SenderKeyId") FROM STDIN (FORMAT BINARY)""";

    public static async Task<int> RunAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var seconds = a.Int("--seconds", 20);
        var rounds = a.Int("--rounds", 3);
        var senders = a.Int("--senders", 8);
        var batchSize = a.Int("--batch", 500);
        var work = BenchArgs.WorkDirectory("detect-ingest");
        Console.WriteLine($"== detect-ingest: {senders} senders × batches of {batchSize}, {seconds} s per run, {rounds} rounds; start {BenchArgs.Stamp()}");

        var directDb = await BenchPostgres.CreateDatabaseAsync("detect_ingest_direct");
        await BenchServer.CommandAsync(directDb, null, "migrate");
        await using var directData = NpgsqlDataSource.Create(directDb);
        await ExecAsync(directData, "CREATE TABLE raw_events (LIKE security_events INCLUDING ALL)");
        await using var writer = await InProcessWriter.StartAsync(directDb);
        await using var console = await Target.StartAsync("detect_ingest_console", work, senders, []);
        // CONSOLE_BENCH_VARIANT_ARGS: a second console, its own database on the same server, with extra settings, as a fourth line.
        var variantArgs = Environment.GetEnvironmentVariable("CONSOLE_BENCH_VARIANT_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        await using var variant = variantArgs is { Length: > 0 } ? await Target.StartAsync("detect_ingest_variant", work, senders, variantArgs) : null;
        if (variant is not null)
        {
            Console.WriteLine($"   variant = console with {string.Join(' ', variantArgs!)}");
        }
        var pgPort = new NpgsqlConnectionStringBuilder(directDb).Port;

        var batches = BenchEvents.Batches(64, batchSize);
        var bodies = batches.Select(BenchEvents.Json).ToArray();
        var sender = Guid.NewGuid();
        var failures = 0L;
        var mismatches = 0;

        async Task<int> Raw(int i)
        {
            var batch = batches[i % batches.Length];
            var now = DateTimeOffset.UtcNow;
            await using var conn = await directData.OpenConnectionAsync();
            await using var copy = await conn.BeginBinaryImportAsync(RawCopy);
            foreach (var e in batch)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar);
                await copy.WriteAsync(Source, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Actor, NpgsqlDbType.Varchar);
                await copy.WriteNullAsync();
                await copy.WriteAsync(e.SourceIp, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Outcome, NpgsqlDbType.Varchar);
                await copy.WriteAsync(e.Attributes, NpgsqlDbType.Varchar);
                await copy.WriteAsync(sender, NpgsqlDbType.Uuid);
            }
            await copy.CompleteAsync();
            return batch.Length;
        }

        async Task<int> Writer(int i)
        {
            var now = DateTimeOffset.UtcNow;
            var rows = batches[i % batches.Length].Select(e => e.Row(now, Source, sender)).ToList();
            return (await writer.Writer.WriteAsync(rows, CancellationToken.None)).Length;
        }

        Func<int, Task<int>> Http(Target target) => async i =>
        {
            using var response = await target.Http.PostAsync("api/v1/events", BenchEvents.Content(bodies[i % bodies.Length]));
            if (response.IsSuccessStatusCode)
            {
                return batches[i % batches.Length].Length;
            }
            if (Interlocked.Increment(ref failures) <= 3)
            {
                Console.WriteLine($"   console answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            return 0;
        };

        Target[] consoles = variant is null ? [console] : [console, variant];
        async Task ResetAsync()
        {
            foreach (var target in consoles)
            {
                await DrainAsync(target.Data, TimeSpan.FromSeconds(120));
                await ExecAsync(target.Data, "TRUNCATE security_events, detection_backlog");
            }
            await ExecAsync(directData, "TRUNCATE raw_events, security_events, detection_backlog");
            await ExecAsync(directData, "CHECKPOINT");
        }

        var lines = new List<(string Name, Func<int, Task<int>> Send)> { ("raw COPY", Raw), ("writer", Writer), ("console", Http(console)) };
        if (variant is not null)
        {
            lines.Add(("variant", Http(variant)));
        }
        if (args.Contains("--console-only"))
        {
            // For a profiler attached to the console: no baseline, no ratio.
            lines = [("console", Http(console))];
        }
        Target? TargetOf(string line) => line == "console" ? console : line == "variant" ? variant : null;
        Console.WriteLine("== warm-up, 5 s each (not counted)");
        foreach (var (_, send) in lines)
        {
            await DriveAsync(senders, TimeSpan.FromSeconds(5), send);
        }
        await ResetAsync();

        Console.WriteLine($"{"round",-6}{"line",-10}{"events",12}{"s",8}{"events/s",12}{"console CPU s",15}{"bench CPU s",13}{"PG CPU s",10}{"events/commit",15}{"detected after",16}  load");
        var sums = lines.ToDictionary(l => l.Name, _ => 0.0);
        for (var round = 1; round <= rounds; round++)
        {
            for (var k = 0; k < lines.Count; k++)
            {
                var (name, send) = lines[(k + round - 1) % lines.Count];
                var target = TargetOf(name);
                var data = target?.Data ?? directData;
                var serverCpu = target is null ? 0 : BenchArgs.CpuSeconds(target.Server.Pid);
                var benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
                var pgCpu = BenchArgs.PostgresCpuSeconds(pgPort);
                var commits = -await CommitsAsync(data);
                var (events, elapsed) = await DriveAsync(senders, TimeSpan.FromSeconds(seconds), send);
                serverCpu = target is null ? 0 : BenchArgs.CpuSeconds(target.Server.Pid) - serverCpu;
                benchCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - benchCpu;
                pgCpu = BenchArgs.PostgresCpuSeconds(pgPort) - pgCpu;
                commits += await CommitsAsync(data);
                var detected = "";
                if (target is not null)
                {
                    // Every acknowledged event is in the table, and detection has taken it (or catches up this long after the run).
                    var drain = Stopwatch.StartNew();
                    await DrainAsync(target.Data, TimeSpan.FromSeconds(300));
                    detected = $"+{drain.Elapsed.TotalSeconds:F1} s";
                    var stored = await CountAsync(target.Data, $"SELECT count(*) FROM security_events WHERE \"Source\" = '{Source}'");
                    if (stored != events)
                    {
                        mismatches++;
                        Console.WriteLine($"   !! {events} events acknowledged but {stored} stored");
                    }
                }
                else if (name == "raw COPY" && await CountAsync(directData, "SELECT count(*) FROM raw_events") != events)
                {
                    Console.WriteLine("   !! raw COPY row count differs");
                }
                var rate = events / elapsed;
                sums[name] += rate;
                Console.WriteLine($"{round,-6}{name,-10}{events,12:N0}{elapsed,8:F1}{rate,12:N0}{(target is null ? "-" : serverCpu.ToString("F1")),15}{benchCpu,13:F1}{pgCpu,10:F1}{(name == "raw COPY" ? batchSize : events / Math.Max(1, commits)),15:N0}{detected,16}  {File.ReadAllText("/proc/loadavg")[..14]}");
                await ResetAsync();
            }
        }
        foreach (var (name, _) in lines)
        {
            Console.WriteLine($"{"mean",-6}{name,-10}{"",12}{"",8}{sums[name] / rounds,12:N0}");
        }
        if (lines.Count == 1)
        {
            return 0;
        }
        var ratio = sums["console"] / sums["raw COPY"];
        Console.WriteLine($"ratio console/raw COPY: {ratio:F2} — goal >= 0.50: {(ratio >= 0.5 ? "met" : "not met")}");
        Console.WriteLine($"ratio writer/raw COPY: {sums["writer"] / sums["raw COPY"]:F2}; console/writer: {sums["console"] / sums["writer"]:F2}");
        if (variant is not null)
        {
            Console.WriteLine($"ratio variant/raw COPY: {sums["variant"] / sums["raw COPY"]:F2}; variant/console: {sums["variant"] / sums["console"]:F2}");
        }
        Console.WriteLine($"rows in the events table = events acknowledged with 2xx: {(mismatches == 0 ? "yes, every console run" : $"NO, {mismatches} runs differ")}");
        Console.WriteLine($"console failures: {failures}; end {BenchArgs.Stamp()}; console logs in {work}");
        return 0;
    }

    /// <summary>Senders each send a batch, await it, and send the next, until the time is up; nothing in flight is abandoned.</summary>
    internal static async Task<(long Events, double Seconds)> DriveAsync(int senders, TimeSpan duration, Func<int, Task<int>> send)
    {
        long events = 0;
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            while (watch.Elapsed < duration)
            {
                Interlocked.Add(ref events, await send(Interlocked.Increment(ref next)));
            }
        })));
        return (events, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Waits until detection has taken every backlog entry of the console.</summary>
    private static async Task DrainAsync(NpgsqlDataSource data, TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        while (await CountAsync(data, "SELECT count(*) FROM detection_backlog") > 0)
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException("Detection did not catch up with the backlog");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Commits of the console's writer so far: each writes one backlog entry, numbered by its identity sequence.</summary>
    private static Task<long> CommitsAsync(NpgsqlDataSource data) =>
        CountAsync(data, "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM \"detection_backlog_Id_seq\"");

    private static async Task<long> CountAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A console process on a database of its own, with an events:write key of the sending service.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private Target(ConsoleProcess server, HttpClient http, NpgsqlDataSource data)
        {
            Server = server;
            Http = http;
            Data = data;
        }

        public ConsoleProcess Server { get; }
        public HttpClient Http { get; }
        public NpgsqlDataSource Data { get; }

        public static async Task<Target> StartAsync(string database, string work, int senders, string[] serverArgs)
        {
            var connection = await BenchPostgres.CreateDatabaseAsync(database);
            await BenchServer.CommandAsync(connection, null, "migrate");
            await BenchServer.CreateUserAsync(connection, "ingest@bench.example", "Developer");
            var secret = await BenchServer.CreateTokenAsync(connection, "ingest@bench.example", "events:write", Source);
            var server = await BenchServer.StartAsync(connection, Path.Combine(work, $"{database}.log"), serverArgs);
            return new Target(server, server.KeyClient(secret, senders), NpgsqlDataSource.Create(connection));
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Server.DisposeAsync();
            await Data.DisposeAsync();
        }
    }

    /// <summary>The console's writer and store on a database, without the web host; detection off (backlog rows without a node).</summary>
    private sealed class InProcessWriter : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        private InProcessWriter(ServiceProvider services, SecurityEventWriter writer)
        {
            _services = services;
            Writer = writer;
        }

        public SecurityEventWriter Writer { get; }

        public static async Task<InProcessWriter> StartAsync(string connection)
        {
            var services = new ServiceCollection().AddSingleton(NpgsqlDataSource.Create(connection)).BuildServiceProvider();
            var settings = new ConsoleSettings(DatabaseProvider.Postgres, connection, null, null, false);
            var store = new SecurityEventStore(settings, services.GetRequiredService<IServiceScopeFactory>(), services, TimeProvider.System);
            var options = new DetectionOptions { PipelineEnabled = false };
            // With the pipeline off the writer never hands it a batch, so it needs none of its parts.
            var pipeline = new DetectionPipeline(services.GetRequiredService<IServiceScopeFactory>(), null!, null!, null!, options,
                new DetectionLeadership(settings, options, NullLogger<DetectionLeadership>.Instance), TimeProvider.System, NullLogger<DetectionPipeline>.Instance);
            var writer = new SecurityEventWriter(store, pipeline, options, NullLogger<SecurityEventWriter>.Instance);
            await writer.StartAsync(CancellationToken.None);
            return new InProcessWriter(services, writer);
        }

        public async ValueTask DisposeAsync()
        {
            await Writer.StopAsync(CancellationToken.None);
            await _services.DisposeAsync();
        }
    }
}
