using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Reports.Caching;
using SecurityConsole.Server.Reports.Output;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Benchmarks.Reports;

/// <summary>
/// Reports (issue 13); bench/reports/run.sh builds the Release console and runs these:
///   e2e [options]    end to end against a real console process on PostgreSQL (<see cref="ReportEndToEndBench"/>):
///                    50-page PDF, the same request from the artifact cache, key verify p99 under 10 runs
///   csv-e2e          the audit extract of a 1,000,000-entry trail as CSV through a real console's API and its download
///                    (<see cref="ReportCsvEndToEndBench"/>): rows/s and the console's resident-set growth
///   csv [rows]       ReportCsv streaming audit rows to a file, in process: rows/s and working-set growth
///   cache [kb]       ReportCache (HybridCache, memory tier) serving a finished artifact, in process: p50/p99 per lookup
/// dotnet run -c Release --project bench/Console.Benchmarks -- reports csv 1000000
/// </summary>
internal static class ReportBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        switch (args)
        {
            case ["e2e", ..]:
                return await ReportEndToEndBench.RunAsync(args[1..]);
            case ["csv-e2e", ..]:
                return await ReportCsvEndToEndBench.RunAsync(args[1..]);
            case ["csv", ..]:
                await CsvAsync(args.Length > 1 ? int.Parse(args[1]) : 1_000_000);
                return 0;
            case ["cache", ..]:
                await CacheAsync(args.Length > 1 ? int.Parse(args[1]) : 1024);
                return 0;
            default:
                Console.Error.WriteLine("reports e2e [--rows 2500] [--repeat 3] [--cached 5] [--runs 10] [--verify-rate 200] [--idle-seconds 20] | reports csv-e2e | reports csv [rows] | reports cache [kb]");
                return 2;
        }
    }

    private static async Task CsvAsync(int count)
    {
        var file = Path.Combine(Path.GetTempPath(), $"report-bench-{Guid.NewGuid():N}.csv");
        var type = ReportTypes.Find(ReportTypes.AuditExtract)!;
        GC.Collect();
        var before = Process.GetCurrentProcess().WorkingSet64;
        long peak = before;
        using var sampler = new Timer(_ => peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64), null, 0, 50);
        var watch = Stopwatch.StartNew();
        long rows;
        await using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.DeleteOnClose))
        {
            rows = await ReportCsv.WriteAsync(stream, type, null, Rows(count), CancellationToken.None);
        }
        watch.Stop();
        peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
        var rate = rows / watch.Elapsed.TotalSeconds;
        var growth = (peak - before) / 1048576.0;
        Console.WriteLine($"csv: {rows:N0} rows in {watch.Elapsed.TotalSeconds:F2} s = {rate:N0} rows/s; " +
            $"working set {before / 1048576.0:F0} MB -> peak {peak / 1048576.0:F0} MB (growth {growth:F0} MB)");
        Console.WriteLine("| measure | result | goal | verdict |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| CSV writer, {rows:N0} audit rows (in process, no database), {Detection.BenchArgs.Stamp()} | {rate:N0} rows/s | ≥ 100,000 rows/s | {(rate >= 100_000 ? "met" : "NOT met")} |");
        Console.WriteLine($"| working-set growth while streaming | {growth:F0} MB | ≤ 150 MB | {(growth <= 150 ? "met" : "NOT met")} |");
    }

    private static async IAsyncEnumerable<AuditRow> Rows(int count)
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            // Shaped like the audit extract's rows; one in ten begins with '=' (escaped against formula injection).
            yield return new AuditRow(i + 1, start.AddSeconds(i), "admin", i % 10 == 0 ? "=key.created" : "key.created", $"user:u-{i % 97}",
                $"api_key:{i:x8}", "success", $"203.0.113.{i % 250}", i % 3 == 0 ? "email=j***@example.test" : "");
            if (i % 4096 == 0)
            {
                await Task.Yield();
            }
        }
    }

    private static async Task CacheAsync(int kilobytes)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHybridCache(o => o.MaximumPayloadBytes = 64 * 1024 * 1024);
        services.AddSingleton<ReportCacheInvalidation>();
        services.AddSingleton<ReportCache>();
        await using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<ReportCache>();
        var content = new byte[kilobytes * 1024];
        Random.Shared.NextBytes(content);
        await cache.SetAsync(ReportCache.Artifacts, "bench", new CachedArtifact(content, new string('a', 64), 2500), [], CancellationToken.None);
        var times = new List<double>();
        for (var i = 0; i < 2000; i++)
        {
            var watch = Stopwatch.StartNew();
            var hit = await cache.TryGetAsync<CachedArtifact>(ReportCache.Artifacts, "bench", CancellationToken.None);
            watch.Stop();
            if (hit is null)
            {
                throw new InvalidOperationException("miss");
            }
            if (i >= 200)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        Console.WriteLine($"cache: {kilobytes:N0} KB artifact, {times.Count} lookups after 200 warm-up: p50 {times[times.Count / 2]:F3} ms, " +
            $"p99 {times[(int)(times.Count * 0.99)]:F3} ms, max {times[^1]:F3} ms");
        Console.WriteLine("| measure | result | goal | verdict |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| artifact cache lookup, {kilobytes:N0} KB, memory tier (in process; the cache's share of the 50 ms), {Detection.BenchArgs.Stamp()} | " +
            $"p99 {times[(int)(times.Count * 0.99)]:F3} ms | ≤ 50 ms (whole request) | {(times[(int)(times.Count * 0.99)] <= 50 ? "met" : "NOT met")} |");
    }
}
