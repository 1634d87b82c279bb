namespace SecurityConsole.Server.Hosting;

/// <summary>The settings that decide what the console runs on. See docs/configuration.md.</summary>
public sealed record ConsoleSettings(
    DatabaseProvider Provider,
    string ConnectionString,
    string? RedisConnectionString,
    string? PublicUrl,
    bool Demo)
{
    public const string DefaultSqliteConnection = "Data Source=data/console.db";

    /// <summary>
    /// Reads and validates configuration. Returns null and one sentence naming the setting at fault
    /// when something is wrong, so that the start stops with words instead of a stack trace.
    /// </summary>
    public static ConsoleSettings? Read(IConfiguration config, out string? error)
    {
        error = null;
        var providerText = config["Database:Provider"] ?? "Sqlite";
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider) || !Enum.IsDefined(provider)
            || int.TryParse(providerText, out _))
        {
            error = $"Setting 'Database:Provider' must be 'Sqlite' or 'Postgres', but it is '{providerText}'.";
            return null;
        }
        var connection = config.GetConnectionString("Console");
        if (string.IsNullOrWhiteSpace(connection))
        {
            if (provider == DatabaseProvider.Postgres)
            {
                error = "Setting 'ConnectionStrings:Console' is required when 'Database:Provider' is 'Postgres' (for example 'Host=localhost;Database=console;Username=console;Password=...').";
                return null;
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
            error = $"Setting 'ConnectionStrings:Console' is not a valid {provider} connection string: {ex.Message}";
            return null;
        }
        var publicUrl = config["Console:PublicUrl"];
        if (!string.IsNullOrEmpty(publicUrl) && !Uri.TryCreate(publicUrl, UriKind.Absolute, out _))
        {
            error = $"Setting 'Console:PublicUrl' must be an absolute URL such as https://console.example.com, but it is '{publicUrl}'.";
            return null;
        }
        var redis = config.GetConnectionString("Redis");
        if (redis is not null && string.IsNullOrWhiteSpace(redis))
        {
            redis = null;
        }
        if (redis is not null)
        {
            try
            {
                StackExchange.Redis.ConfigurationOptions.Parse(redis);
            }
            catch (ArgumentException ex)
            {
                error = $"Setting 'ConnectionStrings:Redis' is not a valid Redis configuration string: {ex.Message}";
                return null;
            }
        }
        return new ConsoleSettings(provider, connection, redis, publicUrl?.TrimEnd('/'), config.GetValue("Console:Demo", false));
    }
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
