using Npgsql;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The throwaway PostgreSQL server of the whole test run (see tests/Shared/ThrowawayPostgres.cs),
/// tuned for speed over durability. Each test factory gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private ThrowawayPostgres? _server;
    private int _databases;
    private readonly SemaphoreSlim _createLock = new(1, 1);

    public string? Unavailable { get; private set; }
    public int Port => _server?.Port ?? 0;

    public async ValueTask InitializeAsync()
    {
        var bin = ThrowawayPostgres.FindBinDirectory();
        if (bin is null)
        {
            Unavailable = "PostgreSQL not found under /usr/lib/postgresql/*/bin: apt-get install postgresql";
            return;
        }
        _server = await ThrowawayPostgres.StartAsync(bin,
            "fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300");
    }

    // Idle connections close after 15 s: a run starts dozens of consoles, and a stopped console's pools (Hangfire's,
    // the data source's) would otherwise hold their connections for Npgsql's default 5 minutes, up to max_connections.
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=50;Connection Idle Lifetime=15;Connection Pruning Interval=5;Include Error Detail=false";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync() => CreateDatabaseAsync(template: null);

    /// <summary>
    /// Creates a database with the console's migrations (and Hangfire's schema) applied, as a copy of the run's template
    /// (made on first use), and returns its connection string. See DatabaseTemplates and docs/decisions/0060.
    /// </summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        if (Unavailable is not null)
        {
            TestEnvironment.SkipOrFail(Unavailable);
        }
        return await CreateDatabaseAsync(await _template.Value);
    }

    private readonly Lazy<Task<string>> _template;

    public PostgresServer() => _template = new(CreateTemplateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private async Task<string> CreateTemplateAsync()
    {
        var connectionString = await CreateDatabaseAsync(template: null);
        await DatabaseTemplates.MigratePostgresAsync(connectionString);
        return new NpgsqlConnectionStringBuilder(connectionString).Database!;
    }

    private async Task<string> CreateDatabaseAsync(string? template)
    {
        if (Unavailable is not null)
        {
            TestEnvironment.SkipOrFail(Unavailable);
        }
        var name = $"console_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        // CREATE DATABASE copies its template (template1, or the migrated one) and fails while another session uses it: one at a time, with a retry.
        await _createLock.WaitAsync();
        try
        {
            var from = template is null ? "" : $" TEMPLATE \"{template}\"";
            await Eventually.HoldsAsync($"PostgreSQL to create database {name}", async () =>
            {
                try
                {
                    await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
                    await conn.OpenAsync();
                    await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{from}", conn);
                    await cmd.ExecuteNonQueryAsync();
                    return (true, "created");
                }
                catch (PostgresException ex) when (ex.SqlState == "55006")
                {
                    return (false, ex.MessageText);
                }
            });
            return ConnectionString(name);
        }
        finally
        {
            _createLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
