using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// One console for a whole test class, for tests that do not interfere with each other
/// (each makes its own users, clients and addresses). Starting a console dominates a test's time.
/// </summary>
/// <remarks>
/// A class's tests run one after another, in no set order, on the shared console. Each makes its own people, keys,
/// schedules and runs (unique names), and reads or counts only what it made (by its own action names, owners, ids), so
/// it holds whichever test ran before it. A test that changes what the whole console shows (tampers with the audit
/// chain, applies retention, creates the first admin, adds checkpoints, breaks audit writes, changes a global policy)
/// starts a console of its own with <see cref="CreateFreshAsync"/>; it starts only when the test uses it. Each class
/// says in its remarks what makes its tests independent.
/// </remarks>
public abstract class SharedConsole : IAsyncLifetime
{
    private ConsoleFactory? _factory;
    private string? _unavailable;

    public ConsoleFactory Factory
    {
        get
        {
            if (_unavailable is not null)
            {
                TestEnvironment.SkipOrFail(_unavailable);
            }
            return _factory!;
        }
    }

    /// <summary>A fresh console of the same provider, for a test that needs an empty database.</summary>
    public abstract Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null);

    protected abstract string? Unavailable { get; }

    /// <summary>Service replacements for the shared console, applied before it starts.</summary>
    protected virtual Action<IServiceCollection>? ServiceOverrides => null;

    public async ValueTask InitializeAsync()
    {
        _unavailable = Unavailable;
        if (_unavailable is null)
        {
            _factory = await CreateFreshAsync();
            // The host starts at the first test that uses it (WebApplicationFactory starts on first use): a class whose
            // tests all start consoles of their own (RetentionFloorTests), or a filtered run of those, never pays for it.
            _factory.ServiceOverrides = ServiceOverrides;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}

public sealed class SqliteConsole : SharedConsole
{
    protected override string? Unavailable => null;

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null) =>
        Task.FromResult(ConsoleFactory.Sqlite(redis, extra));
}

public sealed class PostgresConsole(PostgresServer postgres) : SharedConsole
{
    protected override string? Unavailable => postgres.Unavailable;

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null) =>
        ConsoleFactory.PostgresAsync(postgres, redis, extra);
}

/// <summary>
/// One console for a class whose tests move a fake clock. The tests of a class run one after another and each moves the
/// clock only forward from wherever it finds it, for its own users and clients: moved by earlier tests, it is as good.
/// </summary>
public interface IClockedConsole
{
    ConsoleFactory Factory { get; }

    FakeTimeProvider Clock { get; }
}

public sealed class SqliteClockedConsole : SharedConsole, IClockedConsole
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override string? Unavailable => null;

    protected override Action<IServiceCollection> ServiceOverrides => services => services.AddSingleton<TimeProvider>(Clock);

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null) =>
        Task.FromResult(ConsoleFactory.Sqlite(redis, extra));
}

public sealed class PostgresClockedConsole(PostgresServer postgres) : SharedConsole, IClockedConsole
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override string? Unavailable => postgres.Unavailable;

    protected override Action<IServiceCollection> ServiceOverrides => services => services.AddSingleton<TimeProvider>(Clock);

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null) =>
        ConsoleFactory.PostgresAsync(postgres, redis, extra);
}

/// <summary>
/// A shared console with settings of its own (and, through <see cref="SharedConsole.ServiceOverrides"/>, service
/// replacements), on SQLite when no PostgreSQL server is given. A fresh console made from it has the same settings
/// (plus <c>extra</c>), not the replacements.
/// </summary>
public abstract class ConfiguredConsole(PostgresServer? postgres) : SharedConsole
{
    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    protected override string? Unavailable => postgres?.Unavailable;

    public override Task<ConsoleFactory> CreateFreshAsync(string? redis = null, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return postgres is null
            ? Task.FromResult(ConsoleFactory.Sqlite(redis, settings))
            : ConsoleFactory.PostgresAsync(postgres, redis, settings);
    }
}

/// <summary>A shared console without a Hangfire server (<c>Jobs:RunServer=false</c>): the tests run the jobs themselves.</summary>
public sealed class SqliteConsoleWithoutJobs() : ConfiguredConsole(null)
{
    protected override IReadOnlyDictionary<string, string?> Settings => SecurityConsole.Server.Tests.Audit.AuditTestKit.NoJobServer;
}

/// <inheritdoc cref="SqliteConsoleWithoutJobs"/>
public sealed class PostgresConsoleWithoutJobs(PostgresServer postgres) : ConfiguredConsole(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => SecurityConsole.Server.Tests.Audit.AuditTestKit.NoJobServer;
}
