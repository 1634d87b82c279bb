using System.Globalization;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary><c>--name value</c> options of the detection modes, and what every report starts and ends with.</summary>
internal sealed class BenchArgs(string[] args)
{
    public int Int(string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    public string String(string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

    public static string Stamp() =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}, load {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}, {Environment.ProcessorCount} cores";

    public static string WorkDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{name}-{DateTime.UtcNow:yyyyMMddHHmmss}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The q-quantile (0..1) of sorted values, nearest rank.</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>CPU seconds (user + system) a process used so far, from /proc/pid/stat.</summary>
    public static double CpuSeconds(int pid) => Stat(pid) is { } f ? (Field(f, 14) + Field(f, 15)) / 100.0 : 0;

    /// <summary>
    /// CPU seconds of the PostgreSQL server listening on this port: the postmaster, its live children (one backend per
    /// connection, writer, checkpointer, WAL writer …) and the children it has reaped.
    /// </summary>
    public static double PostgresCpuSeconds(int port)
    {
        var postmaster = -1;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryRead($"{dir}/cmdline") is { } cmdline
                && cmdline.Split('\0') is var argv && argv.Length > 2 && argv[0].EndsWith("postgres", StringComparison.Ordinal)
                && Array.IndexOf(argv, "-p") is var i and >= 0 && i + 1 < argv.Length && argv[i + 1] == port.ToString(CultureInfo.InvariantCulture))
            {
                postmaster = pid;
                break;
            }
        }
        if (postmaster < 0 || Stat(postmaster) is not { } own)
        {
            return double.NaN;
        }
        // utime, stime, cutime, cstime of the postmaster.
        var ticks = Field(own, 14) + Field(own, 15) + Field(own, 16) + Field(own, 17);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } f && Field(f, 4) == postmaster)
            {
                ticks += Field(f, 14) + Field(f, 15);
            }
        }
        return ticks / 100.0;
    }

    /// <summary>The fields of /proc/pid/stat after the command name; <see cref="Field"/> takes stat's 1-based numbering.</summary>
    private static string[]? Stat(int pid) =>
        TryRead($"/proc/{pid}/stat") is { } stat ? stat[(stat.LastIndexOf(')') + 2)..].Split(' ') : null;

    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
