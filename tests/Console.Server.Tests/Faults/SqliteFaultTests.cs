using Microsoft.EntityFrameworkCore;
using Microsoft.Data.Sqlite;
using SecurityConsole.Server.Common;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Faults;

/// <summary>
/// The embedded database under trouble an operator can cause: another process holding the write lock, the file
/// moved away or deleted, the file replaced by another. The node refuses what it cannot store (503 with
/// Retry-After), says so on readiness, never acknowledges a write it cannot keep, and goes on once the file is back.
/// </summary>
public sealed class SqliteFaultTests : IAsyncDisposable
{
    private readonly string _dir = TestEnvironment.TempDirectory("console-fault");
    private readonly List<SqliteConnection> _held = [];
    private ConsoleFactory? _factory;

    private string DatabasePath => Path.Combine(_dir, "console.db");

    /// <summary>
    /// A console on its own file (a copy of the run's migrated template); requests give up on a busy database after 15 s
    /// instead of 30. Not less: the node's own writers (its jobs, the test's set-up) may hold the lock for seconds on a
    /// loaded machine, and at 2 s a set-up write was refused on CI once the setting took effect (2026-12-03).
    /// </summary>
    private async Task<FaultScenario> StartAsync()
    {
        DatabaseTemplates.CopySqliteTemplate(DatabasePath);
        _factory = new ConsoleFactory(DatabaseProvider.Sqlite, $"Data Source={DatabasePath};Default Timeout=15", extra: Fast());
        return await FaultScenario.StartAsync(_factory);
    }

    /// <summary>
    /// How long a write waits for a lock another program holds is the connection string's <c>Default Timeout</c>, 30 s
    /// unless it says otherwise (docs/configuration.md): SQLite's own busy wait, which comes before any retry of the
    /// driver's. It was 30 s whatever the connection string said.
    /// </summary>
    [Fact]
    public async Task AWriteWaitsForAnotherProgramsLockAsLongAsTheConnectionStringsDefaultTimeoutSays()
    {
        await StartAsync();
        Assert.Equal(15_000, await BusyTimeoutAsync(_factory!));
        await using var byDefault = ConsoleFactory.Sqlite();
        Assert.Equal(30_000, await BusyTimeoutAsync(byDefault));
    }

    private static Task<long> BusyTimeoutAsync(ConsoleFactory factory) => SecurityConsole.Server.Tests.Compliance.ComplianceTestKit.DbAsync(factory, async db =>
    {
        await db.Database.OpenConnectionAsync(Ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout";
            return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    });

    [Fact]
    public async Task WhileAnotherProcessHoldsTheWriteLockReadinessSaysSoWritesAre503AndThenEverythingGoesOn()
    {
        var scenario = await StartAsync();
        var other = await HoldWriteLockAsync();

        await scenario.AssertReadyAsync(false);
        await scenario.AssertWritesRefusedAsync();

        await ReleaseAsync(other);
        await scenario.WaitUntilRecoveredAsync();
        await scenario.AssertNothingAcknowledgedWasLostAsync();
    }

    [Fact]
    public async Task AnAuditedWriteThatCannotGetTheLockIs503WithRetryAfterNot500()
    {
        var scenario = await StartAsync();
        var other = await HoldWriteLockAsync();

        var (_, note) = await scenario.WriteAsync();
        await FaultScenario.AssertUnavailableAsync(note);
        await ReleaseAsync(other);
    }

    [Fact]
    public async Task WhileTheDatabaseFileIsGoneNothingIsAcknowledgedAndOnceItIsBackTheNodeGoesOn()
    {
        var scenario = await StartAsync();
        File.Move(DatabasePath, DatabasePath + ".away");

        await scenario.AssertWritesRefusedAsync();
        await scenario.AssertWritesRefusedAsync();
        await scenario.AssertNoFailOpenAsync();
        await scenario.AssertReadyAsync(false);
        Assert.False(File.Exists(DatabasePath), "The node made a new, empty database where its file was");

        File.Move(DatabasePath + ".away", DatabasePath);
        await scenario.WaitUntilRecoveredAsync();
        await scenario.AssertNothingAcknowledgedWasLostAsync();
        await scenario.AssertDetectionWorksAsync();
    }

    [Fact]
    public async Task ADatabaseFileDeletedUnderTheNodeIsNeverWrittenToAgain()
    {
        var scenario = await StartAsync();
        File.Delete(DatabasePath);

        for (var i = 0; i < 3; i++)
        {
            await scenario.AssertWritesRefusedAsync();
        }
        await scenario.AssertReadyAsync(false);
        Assert.False(File.Exists(DatabasePath), "The node made a new, empty database where its file was");
    }

    [Fact]
    public async Task ADatabaseFileReplacedUnderTheNodeIsRefusedUntilTheNodeRestarts()
    {
        var scenario = await StartAsync();
        // An older copy put in place of the live file (a restore under a running node) lacks what was acknowledged since.
        var copy = DatabasePath + ".copy";
        File.Copy(DatabasePath, copy);
        await scenario.AssertWritesSucceedAsync();
        File.Move(copy, DatabasePath, overwrite: true);

        await scenario.AssertWritesRefusedAsync();
        await scenario.AssertReadyAsync(false);
        var (_, body) = await scenario.ReadinessAsync();
        Assert.Contains("replaced", body);
    }

    /// <summary>Another program (a backup tool, sqlite3 at a prompt) takes the write lock and keeps it.</summary>
    private async Task<SqliteConnection> HoldWriteLockAsync()
    {
        var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        _held.Add(other);
        await other.OpenAsync(Ct);
        await using var begin = other.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync(Ct);
        return other;
    }

    private static async Task ReleaseAsync(SqliteConnection other)
    {
        await using var rollback = other.CreateCommand();
        rollback.CommandText = "ROLLBACK";
        await rollback.ExecuteNonQueryAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _held)
        {
            await connection.DisposeAsync();
        }
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
