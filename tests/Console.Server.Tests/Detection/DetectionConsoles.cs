namespace SecurityConsole.Server.Tests.Detection;

/// <summary>Shared consoles whose detection sweeps, refreshes and saves baselines every half second (see <see cref="DetectionTestKit.Fast"/>).</summary>
public sealed class FastSqliteConsole : SharedConsole
{
    protected override string? Unavailable => null;

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null) =>
        Task.FromResult(ConsoleFactory.Sqlite(redis, DetectionTestKit.Fast(extra?.ToDictionary())));
}

public sealed class FastPostgresConsole(PostgresServer postgres) : SharedConsole
{
    protected override string? Unavailable => postgres.Unavailable;

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null) =>
        ConsoleFactory.PostgresAsync(postgres, redis, DetectionTestKit.Fast(extra?.ToDictionary()));
}
