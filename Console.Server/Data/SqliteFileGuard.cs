using System.Data.Common;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Data;

/// <summary>
/// Keeps the node from using a SQLite file that is no longer its database. Deleting, moving or replacing the file
/// under a running node leaves its open connections working on the old, unlinked file: every write still
/// succeeds, is acknowledged, and is gone; and a connection opened afterwards would create an empty database in
/// its place. So, once migrated, the node keeps a connection of its own open on the file, as the file's
/// identity. Before any connection opens and before any transaction commits, SQLite is asked whether the file
/// that handle holds is still the one at the path (SQLITE_FCNTL_HAS_MOVED: one stat of the path, compared by
/// inode). If not, the operation fails with <see cref="DatabaseUnavailableException"/>: answered 503, and
/// readiness says so. Moving the same file back lets the node go on; any other file at the path is refused until
/// a restart, since the node's caches and the audit chain head it knows belong to the file it opened.
/// A deletion between the check and the commit (microseconds) is not caught; everything after it is.
/// </summary>
public sealed class SqliteFileGuard : IDisposable
{
    public const string Moved = "The database file was deleted, moved or replaced while this node ran; put the same file back or restart the node.";

    private const int SqliteFcntlHasMoved = 20;
    private readonly Lock _lock = new();
    private readonly string? _connectionString;
    private SqliteConnection? _identity;

    /// <param name="connectionString">The node's own (absolute path); an in-memory database has no file to guard.</param>
    public SqliteFileGuard(string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString);
        if (csb.Mode != SqliteOpenMode.Memory && csb.DataSource is not (":memory:" or "") && !csb.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            // Never creates the file: it must be there, migrated, when the guard is armed.
            _connectionString = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        }
        Interceptors = [new OpeningInterceptor(this), new CommittingInterceptor(this)];
    }

    /// <summary>The EF interceptors that run the check: before a connection opens, before a transaction commits.</summary>
    public IInterceptor[] Interceptors { get; }

    /// <summary>Takes the file now at the path as the node's database (after migrations, before serving).</summary>
    public void Arm()
    {
        if (_connectionString is null)
        {
            return;
        }
        var identity = new SqliteConnection(_connectionString);
        identity.Open();
        lock (_lock)
        {
            _identity?.Dispose();
            _identity = identity;
        }
    }

    /// <summary>Throws <see cref="DatabaseUnavailableException"/> when the file at the path is not the one armed.</summary>
    public void EnsureSameFile()
    {
        lock (_lock)
        {
            if (_identity?.Handle is not { } handle)
            {
                return;
            }
            var moved = 0;
            var rc = FileControl(handle.DangerousGetHandle(), "main", SqliteFcntlHasMoved, ref moved);
            // rc != 0: the VFS could not tell (not the unix VFS); nothing to go on, as before the guard.
            if (rc == 0 && moved != 0)
            {
                throw new DatabaseUnavailableException(Moved);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _identity?.Dispose();
            _identity = null;
        }
    }

    // Not wrapped by SQLitePCLRaw; the same native library Microsoft.Data.Sqlite loads (SQLitePCLRaw.bundle_e_sqlite3).
    [DllImport("e_sqlite3", EntryPoint = "sqlite3_file_control", CallingConvention = CallingConvention.Cdecl)]
    private static extern int FileControl(IntPtr db, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, int op, ref int arg);

    private sealed class OpeningInterceptor(SqliteFileGuard guard) : DbConnectionInterceptor
    {
        public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            guard.EnsureSameFile();
            return result;
        }

        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
            DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken ct = default)
        {
            guard.EnsureSameFile();
            return ValueTask.FromResult(result);
        }
    }

    private sealed class CommittingInterceptor(SqliteFileGuard guard) : DbTransactionInterceptor
    {
        public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
        {
            guard.EnsureSameFile();
            return result;
        }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken ct = default)
        {
            guard.EnsureSameFile();
            return ValueTask.FromResult(result);
        }
    }
}
