using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SecurityConsole.Server.Data;

/// <summary>
/// Gives every SQLite connection of the node a busy timeout: a writer that finds another's write under way waits for it
/// (up to the connection string's <c>Default Timeout</c>, 30 s unless it says otherwise) instead of failing at once with
/// "database is locked", answered 503. Together with the write-ahead log (<see cref="DataExtensions.MigrateAsync"/>),
/// readers never block a writer and a writer never blocks readers; only writes wait for each other
/// (docs/decisions/0016-sqlite-write-ahead-log.md). The wait is the one docs/configuration.md names: SQLite's own busy
/// handler waits this long inside each statement, so a timeout shorter than the connection string's would never be seen,
/// and a longer one would override it (ADR 0176).
/// </summary>
public sealed class SqliteBusyTimeout(int milliseconds) : DbConnectionInterceptor
{
    /// <summary>The busy timeout that <paramref name="connectionString"/>'s <c>Default Timeout</c> (in seconds) asks for.</summary>
    public static SqliteBusyTimeout For(string connectionString) =>
        new(checked(new SqliteConnectionStringBuilder(connectionString).DefaultTimeout * 1000));

    public int Milliseconds { get; } = milliseconds;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        // A pragma on an open connection: no I/O, so synchronous.
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {Milliseconds};";
        command.ExecuteNonQuery();
    }
}
