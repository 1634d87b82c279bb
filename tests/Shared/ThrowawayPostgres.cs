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
    private readonly Process _process;
    private readonly string _dir;

    private ThrowawayPostgres(Process process, string dir, int port)
    {
        _process = process;
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
        var process = Process.Start(Psi(asPostgres, Path.Combine(bin, "postgres"), [.. args]))!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ThrowawayPostgres(process, dir, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(server.ConnectionString("postgres"));
                await conn.OpenAsync();
                return server;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
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
