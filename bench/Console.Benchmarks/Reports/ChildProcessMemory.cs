using System.Globalization;

namespace SecurityConsole.Benchmarks.Reports;

/// <summary>
/// The memory of the processes a console starts for PDF reports (Playwright's Node.js driver, and Chromium's browser,
/// GPU, utility and renderer processes under it), sampled every 100 ms while it runs: the peak of their summed
/// proportional set size (PSS, /proc/&lt;pid&gt;/smaps_rollup), which counts a page shared by several Chromium processes once
/// in all, unlike summed resident sets. Linux only; what the Helm chart's memory limit has to leave room for (ADR 0100).
/// Reading smaps_rollup of twenty Chromium processes ten times a second costs about a third of a core, so the sampling
/// pauses while a timed print runs (<see cref="Paused"/>): on two cores it took that much from the print it measured.
/// </summary>
internal sealed class ChildProcessMemory : IAsyncDisposable
{
    private readonly int _root;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private Sample _peak;

    /// <summary>One sample: the driver's and Chromium's PSS in MB, and how many Chromium processes there were.</summary>
    public readonly record struct Sample(double ChromiumMb, int ChromiumProcesses, double DriverMb)
    {
        public double TotalMb => ChromiumMb + DriverMb;

        public override string ToString() =>
            $"{TotalMb:F0} MB PSS (Chromium {ChromiumMb:F0} MB in {ChromiumProcesses} processes, Playwright driver {DriverMb:F0} MB)";
    }

    public ChildProcessMemory(int root)
    {
        _root = root;
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            do
            {
                if (Paused)
                {
                    continue;
                }
                var now = Measure(_root);
                if (now.TotalMb > _peak.TotalMb)
                {
                    _peak = now;
                }
            }
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
        });
    }

    /// <summary>While true, no sample is taken (a timed measurement is running).</summary>
    public bool Paused { get => _paused; set => _paused = value; }

    private volatile bool _paused;

    /// <summary>The largest sample since the last reset.</summary>
    public Sample Peak => _peak;

    public void Reset() => _peak = default;

    /// <summary>The processes under <paramref name="root"/> now.</summary>
    public static Sample Measure(int root)
    {
        var parents = new Dictionary<int, int>();
        var names = new Dictionary<int, string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || ReadOrNull(Path.Combine(dir, "stat")) is not { } stat)
            {
                continue;
            }
            // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            names[pid] = stat[(stat.IndexOf('(') + 1)..close];
        }
        double chromium = 0, driver = 0;
        var count = 0;
        foreach (var (pid, _) in parents)
        {
            if (pid == root || !Descends(pid, root, parents))
            {
                continue;
            }
            var pss = PssMb(pid);
            if (names[pid].StartsWith("chrom", StringComparison.Ordinal))
            {
                chromium += pss;
                count++;
            }
            else
            {
                driver += pss;
            }
        }
        return new Sample(chromium, count, driver);
    }

    private static bool Descends(int pid, int root, Dictionary<int, int> parents)
    {
        for (var p = pid; parents.TryGetValue(p, out var parent) && parent > 1; p = parent)
        {
            if (parent == root)
            {
                return true;
            }
        }
        return false;
    }

    private static double PssMb(int pid)
    {
        foreach (var line in (ReadOrNull($"/proc/{pid}/smaps_rollup") ?? "").Split('\n'))
        {
            if (line.StartsWith("Pss:", StringComparison.Ordinal))
            {
                return long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return 0;
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended between the listing and the read
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sampling;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
