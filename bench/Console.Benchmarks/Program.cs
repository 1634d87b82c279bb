using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using SecurityConsole.Benchmarks;

// dotnet run -c Release --project bench/Console.Benchmarks -- --filter '*'      BenchmarkDotNet (each class names its job)
// dotnet run -c Release --project bench/Console.Benchmarks -- memory-keys       heap of 1,000,000 cached keys
// dotnet run -c Release --project bench/Console.Benchmarks -- audit-plans       SQL and PostgreSQL plans of the search benchmarks
return args switch
{
    ["memory-keys", ..] => KeyCacheMemory.Run(args[1..]),
    ["audit-plans", ..] => await AuditPlans.RunAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(AppendBenchmarks).Assembly).Run(args, DefaultConfig.Instance);
    return 0;
}
