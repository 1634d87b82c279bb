using Npgsql;
using SecurityConsole.Testing;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// The PostgreSQL the benchmarks run against: CONSOLE_BENCH_PG (a server connection string) if set,
/// else a throwaway server (tests/Shared/ThrowawayPostgres.cs) with durable default settings
/// (fsync on) so that append numbers mean something, removed at exit.
/// </summary>
internal static class BenchPostgres
{
    private static ThrowawayPostgres? s_server;
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
        var bin = ThrowawayPostgres.FindBinDirectory()
            ?? throw new InvalidOperationException("PostgreSQL not found: set CONSOLE_BENCH_PG or apt-get install postgresql");
        s_server = await ThrowawayPostgres.StartAsync(bin);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => s_server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return s_server.ConnectionString("postgres");
    }
}
