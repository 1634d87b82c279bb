using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SecurityConsole.Testing;

/// <summary>
/// A PostgreSQL server of its own for tests and benchmarks: found under /usr/lib/postgresql/*/bin,
/// initialised in a temp directory, listening on a free loopback port, removed on dispose.
/// PostgreSQL refuses to run as root, so as root it runs as the Debian package's postgres user.
/// Compiled into the test and benchmark projects (linked source), not into the product.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly string _dir;
    private Process? _process;

    private ThrowawayPostgres(ProcessStartInfo start, string dir, int port)
    {
        _start = start;
        _process = Launch(start);
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=false";

    /// <summary>The newest installed server's bin directory, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;

    /// <param name="bin">From <see cref="FindBinDirectory"/>.</param>
    /// <param name="settings">Extra server settings (<c>-c name=value</c>), e.g. fsync=off for tests.</param>
    public static async Task<ThrowawayPostgres> StartAsync(string bin, params string[] settings)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"console-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            await RunAsync(Psi(false, "chown", "-R", "postgres:postgres", dir));
        }
        await RunAsync(Psi(asPostgres, Path.Combine(bin, "initdb"),
            "-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"));
        var port = FreePort();
        var args = new List<string> { "-D", Path.Combine(dir, "data"), "-p", port.ToString(), "-h", "127.0.0.1", "-k", dir };
        foreach (var setting in settings)
        {
            args.Add("-c");
            args.Add(setting);
        }
        var server = new ThrowawayPostgres(Psi(asPostgres, Path.Combine(bin, "postgres"), [.. args]), dir, port);
        await server.WaitUntilItAnswersAsync();
        return server;
    }

    /// <summary>Kills the server and all its backends at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public async Task CrashAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                // The server and its backends first, the process we started (runuser, when run as root) last: runuser
                // then reaps the server. Killed the other way round, the server is orphaned and, where nothing reaps
                // orphans (a container's PID 1), lingers as a zombie whose PID in postmaster.pid refuses the restart.
                var tree = ProcessTree(process.Id);
                Signal(tree, "CONT");
                Signal(_start.FileName == "runuser" ? [.. tree.Skip(1)] : tree, "KILL");
                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                }
                await process.WaitForExitAsync();
            }
            process.Dispose();
        }
    }

    /// <summary>Starts the server again on the same data directory and port (after <see cref="CrashAsync"/>); it recovers from its WAL.</summary>
    public async Task RestartAsync()
    {
        _process = Launch(_start);
        await WaitUntilItAnswersAsync();
    }

    /// <summary>
    /// Freezes the server and every backend (SIGSTOP): connections stay open but nothing answers, as under a
    /// stalled disk or a long GC pause of a VM. <see cref="Resume"/> lets it go on where it stopped.
    /// </summary>
    public void Pause() => Signal(_process, "STOP");

    public void Resume() => Signal(_process, "CONT");

    private static void Signal(Process? process, string signal)
    {
        if (process is null || process.HasExited)
        {
            return;
        }
        Signal(ProcessTree(process.Id), signal);
    }

    private static void Signal(IReadOnlyList<int> pids, string signal)
    {
        if (pids.Count == 0)
        {
            return;
        }
        var psi = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true };
        psi.ArgumentList.Add($"-{signal}");
        foreach (var pid in pids)
        {
            psi.ArgumentList.Add(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        using var kill = Process.Start(psi)!;
        kill.StandardError.ReadToEnd(); // a backend that ended meanwhile is no error worth reporting
        kill.WaitForExit();
    }

    /// <summary>The process and its descendants, parents first (read from /proc: the server forks a backend per connection).</summary>
    private static List<int> ProcessTree(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
                (children.TryGetValue(ppid, out var list) ? list : children[ppid] = []).Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // The process ended while we looked.
            }
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(children.GetValueOrDefault(tree[i]) ?? []);
        }
        return tree;
    }

    private static Process Launch(ProcessStartInfo start)
    {
        var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilItAnswersAsync()
    {
        await Eventually.HoldsAsync($"PostgreSQL to accept connections on port {Port}", async () =>
        {
            try
            {
                await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
                await conn.OpenAsync();
                return (true, "connected");
            }
            catch (NpgsqlException ex) when (_process is { HasExited: false })
            {
                return (false, ex.Message);
            }
        }, Eventually.ProcessCeiling);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await CrashAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(ProcessStartInfo psi)
    {
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} exited with {process.ExitCode}:\n{await stdout}{await stderr}");
        }
    }

    private static ProcessStartInfo Psi(bool asPostgres, string file, params string[] args)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.FileName = file;
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }
}
