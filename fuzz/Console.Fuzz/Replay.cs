namespace SecurityConsole.Fuzz;

/// <summary>
/// Runs saved inputs through a harness in this process: how fuzz/run.sh confirms and explains what afl-fuzz saved
/// (a "hang" on a loaded machine that completes here at once is reported, not failed), and how a developer debugs one.
/// </summary>
public static class Replay
{
    public static int Run(IFuzzHarness harness, IEnumerable<string> paths, TimeSpan timeout, bool verbose)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Where(f => !f.EndsWith("README.txt", StringComparison.Ordinal)).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).ToList();
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            var run = Task.Factory.StartNew(() => harness.Run(input), TaskCreationOptions.LongRunning);
            if (!((IAsyncResult)run).AsyncWaitHandle.WaitOne(timeout))
            {
                Console.WriteLine($"HANG  {file}: still running after {timeout.TotalSeconds:0} s");
                // The stuck thread cannot be stopped; the process ends here with the failure.
                Console.Out.Flush();
                Environment.Exit(1);
            }
            if (run.Exception?.InnerException is { } ex)
            {
                var kind = Kind(ex);
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
                Console.WriteLine($"CRASH {file}: {kind}");
                if (verbose)
                {
                    Console.WriteLine(ex);
                }
            }
            else if (verbose)
            {
                Console.WriteLine($"ok    {file}");
            }
        }
        var crashed = kinds.Values.Sum();
        Console.WriteLine($"{harness.Name}: {files.Count} inputs, {crashed} crashed");
        foreach (var (kind, count) in kinds)
        {
            Console.WriteLine($"  {count} × {kind}");
        }
        return crashed == 0 ? 0 : 1;
    }

    /// <summary>The exception and where in the console's code it left: one line that groups the same defect.</summary>
    private static string Kind(Exception ex)
    {
        var frame = new System.Diagnostics.StackTrace(ex, false).GetFrames()
            .Select(f => f.GetMethod())
            .FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("SecurityConsole.", StringComparison.Ordinal) == true);
        var where = frame is null ? "" : $" at {frame.DeclaringType!.FullName}.{frame.Name}";
        return $"{ex.GetType().Name}: {ex.Message}{where}";
    }
}
