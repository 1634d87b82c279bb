using Microsoft.Data.Sqlite;
using Npgsql;

namespace SecurityConsole.Server.Common;

/// <summary>
/// The database cannot take requests now, and nothing of the request was stored: its file is not the one this
/// node opened (<see cref="Data.SqliteFileGuard"/>), or it could not be reached, answered too late, or was locked past
/// the timeout (<see cref="DatabaseFaults.IsUnavailable"/>).
/// </summary>
public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Which failures mean "the database is unavailable, try again later" (answered 503 with Retry-After, see
/// ProblemExceptionHandler) rather than a fault of the request or a bug (500).
/// </summary>
public static class DatabaseFaults
{
    /// <summary>What a client is told to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    // SQLite result codes (primary code, the low byte of an extended one) that pass with time or an operator's hand.
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteReadOnly = 8, SqliteIoError = 10, SqliteFull = 13, SqliteCantOpen = 14;

    /// <summary>
    /// True when <paramref name="exception"/> or one it wraps (EF wraps provider errors in DbUpdateException and
    /// InvalidOperationException) says the database could not be used now: a connection refused, broken or timed
    /// out; a server shutting down or starting; a lock not granted in time; a full disk. A constraint violation
    /// or bad SQL is not among them.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DatabaseUnavailableException:
                    return true;
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteReadOnly or SqliteIoError or SqliteFull or SqliteCantOpen:
                    return true;
                case NpgsqlException { IsTransient: true }:
                    return true;
                // A standby after a fail-over (read-only transaction); a statement cancelled by statement_timeout.
                case PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.QueryCanceled }:
                    return true;
                case NpgsqlException or SqliteException:
                    return false;
            }
        }
        return false;
    }
}
