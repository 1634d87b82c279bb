using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using SecurityConsole.Benchmarks;
using SecurityConsole.Benchmarks.Detection;

// dotnet run -c Release --project bench/Console.Benchmarks -- --filter '*'      BenchmarkDotNet (each class names its job)
// dotnet run -c Release --project bench/Console.Benchmarks -- memory-keys       heap of 1,000,000 cached keys
// dotnet run -c Release --project bench/Console.Benchmarks -- audit-plans       SQL and PostgreSQL plans of the search benchmarks
// bench/detection/run.sh ingest|latency|hub-memory                              detection (issue 5): a real console process on PostgreSQL
// bench/reports/run.sh e2e|csv|cache|all                                     reports (issue 13): end to end on PostgreSQL, CSV rows/s, artifact cache lookups
// dotnet run -c Release --project bench/Console.Benchmarks -- compliance        compliance (issue 12): full evaluation, time to red, evidence pack
return args switch
{
    ["memory-keys", ..] => KeyCacheMemory.Run(args[1..]),
    ["audit-plans", ..] => await AuditPlans.RunAsync(args[1..]),
    ["detect-ingest", ..] => await IngestionBench.RunAsync(args[1..]),
    ["detect-latency", ..] => await AlertLatencyBench.RunAsync(args[1..]),
    ["detect-hub-memory", ..] => await HubMemoryBench.RunAsync(args[1..]),
    ["reports", ..] => await SecurityConsole.Benchmarks.Reports.ReportBench.RunAsync(args[1..]),
    ["compliance", ..] => await SecurityConsole.Benchmarks.Compliance.ComplianceBench.RunAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(AppendBenchmarks).Assembly).Run(args, DefaultConfig.Instance);
    return 0;
}
