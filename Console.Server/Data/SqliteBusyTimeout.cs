using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SecurityConsole.Server.Data;

/// <summary>
/// Gives every SQLite connection of the node a busy timeout: a writer that finds another's write under way waits for it
/// (up to <see cref="Milliseconds"/>) instead of failing at once with "database is locked", answered 503. Together with
/// the write-ahead log (<see cref="DataExtensions.MigrateAsync"/>), readers never block a writer and a writer never blocks
/// readers; only writes wait for each other (docs/decisions/0016-sqlite-write-ahead-log.md).
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    public const int Milliseconds = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken ct = default)
    {
        // A pragma on an open connection: no I/O, so synchronous.
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {Milliseconds};";
        command.ExecuteNonQuery();
    }
}
