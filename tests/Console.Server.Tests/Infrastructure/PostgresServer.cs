using System.Diagnostics;
using Npgsql;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the whole test run: found under /usr/lib/postgresql/*/bin,
/// initialised in a temp directory, listening on a free loopback port, removed at the end.
/// Each test factory gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private Process? _process;
    private string? _dataDir;
    private int _databases;
    private readonly SemaphoreSlim _createLock = new(1, 1);

    public string? Unavailable { get; private set; }
    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var bin = FindBinDirectory();
        if (bin is null)
        {
            Unavailable = "PostgreSQL not found under /usr/lib/postgresql/*/bin: apt-get install postgresql";
            return;
        }
        var user = TestEnvironment.IsRoot ? "postgres" : null;
        _dataDir = TestEnvironment.TempDirectory("console-pg");
        if (user is not null)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "postgres:postgres", _dataDir]);
        }
        await ProcessRunner.RunAsync(Path.Combine(bin, "initdb"),
            ["-D", Path.Combine(_dataDir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], user);
        Port = TestEnvironment.FreePort();
        var psi = ProcessRunner.Start(Path.Combine(bin, "postgres"),
        [
            "-D", Path.Combine(_dataDir, "data"), "-p", Port.ToString(), "-h", "127.0.0.1", "-k", _dataDir,
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
        ], user);
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
                await conn.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Include Error Detail=false";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        if (Unavailable is not null)
        {
            TestEnvironment.SkipOrFail(Unavailable);
        }
        var name = $"console_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        // CREATE DATABASE copies template1 and fails while another session uses it: one at a time, with a retry.
        await _createLock.WaitAsync();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
                    await cmd.ExecuteNonQueryAsync();
                    return ConnectionString(name);
                }
                catch (PostgresException ex) when (ex.SqlState == "55006" && attempt < 10)
                {
                    await Task.Delay(200 * attempt);
                }
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    private static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => d, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_dataDir is not null)
        {
            try
            {
                Directory.Delete(_dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
