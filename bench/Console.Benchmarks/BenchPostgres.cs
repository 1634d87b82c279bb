using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// The PostgreSQL the benchmarks run against: CONSOLE_BENCH_PG (a server connection string) if set,
/// else a throwaway server from /usr/lib/postgresql/*/bin in a temp directory, removed at exit.
/// </summary>
internal static class BenchPostgres
{
    private static Process? s_server;
    private static string? s_dir;
    private static string? s_baseConnection;

    public static async Task<string> CreateDatabaseAsync(string name)
    {
        s_baseConnection ??= Environment.GetEnvironmentVariable("CONSOLE_BENCH_PG") ?? await StartAsync();
        await using (var conn = new NpgsqlConnection(With(s_baseConnection, "postgres")))
        {
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await create.ExecuteNonQueryAsync();
        }
        return With(s_baseConnection, name);
    }

    private static string With(string connection, string database) =>
        new NpgsqlConnectionStringBuilder(connection) { Database = database }.ConnectionString;

    private static async Task<string> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            ?? throw new InvalidOperationException("PostgreSQL not found: set CONSOLE_BENCH_PG or apt-get install postgresql");
        s_dir = Path.Combine(Path.GetTempPath(), $"console-bench-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(s_dir);
        var root = Environment.UserName == "root";
        if (root)
        {
            Run("chown", "-R", "postgres:postgres", s_dir);
        }
        Run(root, Path.Combine(bin, "initdb"), "-D", Path.Combine(s_dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        // Durable settings (fsync on) so that append numbers mean something; only the socket dir is special.
        s_server = Process.Start(Psi(root, Path.Combine(bin, "postgres"), "-D", Path.Combine(s_dir, "data"), "-p", port.ToString(), "-h", "127.0.0.1", "-k", s_dir))!;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        var connection = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=false";
        for (var i = 0; i < 150; i++)
        {
            try
            {
                await using var conn = new NpgsqlConnection(connection);
                await conn.OpenAsync();
                return connection;
            }
            catch (NpgsqlException)
            {
                await Task.Delay(200);
            }
        }
        throw new InvalidOperationException("PostgreSQL did not start.");
    }

    private static void Stop()
    {
        if (s_server is { HasExited: false })
        {
            s_server.Kill(entireProcessTree: true);
            s_server.WaitForExit();
        }
        if (s_dir is not null)
        {
            try
            {
                Directory.Delete(s_dir, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Run(string file, params string[] args) => Run(false, file, args);

    private static void Run(bool asPostgres, string file, params string[] args)
    {
        using var p = Process.Start(Psi(asPostgres, file, args))!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {p.StandardError.ReadToEnd()}");
        }
    }

    private static ProcessStartInfo Psi(bool asPostgres, string file, params string[] args)
    {
        var psi = new ProcessStartInfo { FileName = asPostgres ? "runuser" : file, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }
}
