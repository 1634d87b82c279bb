using System.Globalization;

namespace SecurityConsole.Benchmarks.Reports;

/// <summary>
/// CPU time (user + system, from /proc) of every thread of the processes that take part in a report benchmark, grouped
/// so that one can see who competed with key verification: the console's threads by name (thread-pool workers, the GC,
/// the report lane of ADR 0135, ...), the console's children (the Playwright driver, Chromium), the benchmark's own PostgreSQL and this
/// benchmark process. Linux only; elsewhere it is empty.
/// </summary>
internal sealed class CpuTally
{
    private static readonly double TicksPerSecond = 100.0; // USER_HZ on Linux

    private readonly Dictionary<string, long> _ticks;

    private CpuTally(Dictionary<string, long> ticks) => _ticks = ticks;

    /// <summary>A snapshot of the console (its threads by name), its descendants, PostgreSQL and this process.</summary>
    public static CpuTally Take(int consolePid)
    {
        var ticks = new Dictionary<string, long>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return new CpuTally(ticks);
        }
        var parents = new Dictionary<int, int>();
        var names = new Dictionary<int, string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat($"/proc/{pid}/stat") is { } f)
            {
                parents[pid] = int.Parse(f.Fields[1], CultureInfo.InvariantCulture);
                names[pid] = f.Name;
            }
        }
        var family = Family(parents, consolePid);
        // This benchmark's own PostgreSQL (BenchPostgres starts it as a child), not other servers on the machine.
        var ours = Family(parents, Environment.ProcessId);
        foreach (var pid in parents.Keys)
        {
            string? group = pid == consolePid ? "console" : family.Contains(pid) ? Child(names[pid])
                : pid == Environment.ProcessId ? "benchmark client" : names[pid] == "postgres" && ours.Contains(pid) ? "postgres" : null;
            if (group is null || !Directory.Exists($"/proc/{pid}/task"))
            {
                continue;
            }
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (Stat(Path.Combine(task, "stat")) is not { } t)
                {
                    continue;
                }
                var used = long.Parse(t.Fields[11], CultureInfo.InvariantCulture) + long.Parse(t.Fields[12], CultureInfo.InvariantCulture);
                var key = group == "console" ? $"console: {ThreadGroup(t.Name)}" : group;
                ticks[key] = ticks.GetValueOrDefault(key) + used;
            }
        }
        return new CpuTally(ticks);
    }

    private static HashSet<int> Family(Dictionary<int, int> parents, int root)
    {
        var family = new List<int> { root };
        for (var i = 0; i < family.Count; i++)
        {
            family.AddRange(parents.Where(p => p.Value == family[i]).Select(p => p.Key));
        }
        return [.. family];
    }

    /// <summary>CPU seconds used between <paramref name="before"/> and this snapshot, largest first.</summary>
    public IEnumerable<(string Who, double Seconds)> Since(CpuTally before) =>
        _ticks.Select(t => (t.Key, (t.Value - before._ticks.GetValueOrDefault(t.Key)) / TicksPerSecond))
            .Where(t => t.Item2 > 0).OrderByDescending(t => t.Item2);

    private static string Child(string name) =>
        name.Contains("chrom", StringComparison.OrdinalIgnoreCase) ? "chromium (all processes)"
            : name == "node" ? "playwright driver (node)" : $"console child: {name}";

    /// <summary>Thread names with their numbers taken off (".NET TP Worker" for every pool worker).</summary>
    private static string ThreadGroup(string name) => name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '#');

    /// <summary>The command name and the fields after it of a /proc stat file (state is field 0); null when it has gone.</summary>
    private static (string Name, string[] Fields)? Stat(string path)
    {
        try
        {
            var stat = File.ReadAllText(path);
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            return (stat[(open + 1)..close], stat[(close + 2)..].Split(' '));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
