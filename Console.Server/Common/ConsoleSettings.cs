namespace SecurityConsole.Server.Common;

/// <summary><c>Database:*</c> settings.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

/// <summary><c>ConnectionStrings:*</c> settings; checked against the provider by <see cref="ConsoleSettings.From"/>.</summary>
public sealed class ConnectionStringOptions
{
    public string? Console { get; set; }
    public string? Redis { get; set; }
}

/// <summary><c>Console:*</c> settings.</summary>
public sealed class ConsoleOptions
{
    /// <summary>Base URL of links the console hands out; the request's origin when unset.</summary>
    [HttpUrl]
    public string? PublicUrl { get; set; }

    /// <summary>Seed the sample organisation at start (fresh databases only).</summary>
    public bool Demo { get; set; }

    /// <summary>Where the one-time setup link is printed (see <c>Users/SetupLink</c>).</summary>
    public SetupLinkOutput PrintSetupLink { get; set; } = SetupLinkOutput.Terminal;
}

/// <summary>The settings that decide what the console runs on, validated together. See docs/configuration.md.</summary>
public sealed record ConsoleSettings(
    DatabaseProvider Provider,
    string ConnectionString,
    string? RedisConnectionString,
    string? PublicUrl,
    bool Demo)
{
    public const string DefaultSqliteConnection = "Data Source=data/console.db";

    /// <summary>Composes the sections; throws <see cref="StartupException"/> with one sentence naming the setting at fault.</summary>
    public static ConsoleSettings From(DatabaseOptions database, ConnectionStringOptions connections, ConsoleOptions console)
    {
        var provider = database.Provider;
        var connection = connections.Console;
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                throw new StartupException("Setting 'ConnectionStrings:Console' is required when 'Database:Provider' is 'Postgres' (for example 'Host=localhost;Database=console;Username=console;Password=...').");
            }
            connection = DefaultSqliteConnection;
        }
        try
        {
            _ = provider switch
            {
                DatabaseProvider.Sqlite => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connection).DataSource,
                DatabaseProvider.Postgres => new Npgsql.NpgsqlConnectionStringBuilder(connection).Host,
            };
        }
        catch (ArgumentException ex)
        {
            // The builder's message names the keyword at fault, never the value: connection strings hold passwords.
            throw new StartupException($"Setting 'ConnectionStrings:Console' is not a valid {provider} connection string: {ex.Message}");
        }
        var redis = string.IsNullOrWhiteSpace(connections.Redis) ? null : connections.Redis;
        if (redis is not null)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(redis);
            }
            catch (ArgumentException ex)
            {
                throw new StartupException($"Setting 'ConnectionStrings:Redis' is not a valid Redis configuration string: {ex.Message}");
            }
        }
        var publicUrl = string.IsNullOrEmpty(console.PublicUrl) ? null : console.PublicUrl.TrimEnd('/');
        return new ConsoleSettings(provider, connection, redis, publicUrl, console.Demo);
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary><c>Console:PrintSetupLink</c>.</summary>
public enum SetupLinkOutput
{
    /// <summary>Only when standard output is a terminal; otherwise how to get one (<c>admin setup-link</c>).</summary>
    Terminal,

    /// <summary>Also to redirected output: for tests and CI that read the link from there.</summary>
    Always,
}
