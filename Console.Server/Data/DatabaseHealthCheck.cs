using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Data;

/// <summary>
/// Readiness of the database for what the node acknowledges: writes. Answering a query is not enough (a node
/// whose file was replaced, or whose writes wait on a lock, still reads); the check takes the lock every audited
/// write takes, within a few seconds, and lets it go at once without changing anything. On SQLite that is the
/// database's write lock (BEGIN IMMEDIATE), on PostgreSQL the audit chain head's row lock (SELECT … FOR UPDATE,
/// refused too on a read-only standby).
/// </summary>
public sealed class DatabaseHealthCheck(ConsoleSettings settings, IServiceScopeFactory scopes) : IHealthCheck
{
    /// <summary>How long the probe may wait for the lock; the registration's timeout bounds the whole check.</summary>
    public const int LockWaitSeconds = 2;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(6);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await (settings.Provider switch
            {
                DatabaseProvider.Sqlite => ProbeSqliteAsync(ct),
                DatabaseProvider.Postgres => ProbePostgresAsync(ct),
            });
            return HealthCheckResult.Healthy("Writes can commit.");
        }
        catch (DatabaseUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
        catch (Exception ex) when (ex is SqliteException { SqliteErrorCode: 5 or 6 } or PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
        {
            return HealthCheckResult.Unhealthy("Writes cannot commit: another connection holds the lock they need.");
        }
        catch (Exception ex)
        {
            // Names only: an exception's text could carry connection details.
            return HealthCheckResult.Unhealthy($"The database cannot take writes ({ex.GetType().Name}).");
        }
    }

    private async Task ProbeSqliteAsync(CancellationToken ct)
    {
        // A connection of its own, not pooled: an interrupted probe must not hand a connection in a transaction back to the pool.
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<SqliteFileGuard>().EnsureSameFile();
        var own = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().Database.GetConnectionString();
        var csb = new SqliteConnectionStringBuilder(own) { Pooling = false, Mode = SqliteOpenMode.ReadWrite };
        await using var connection = new SqliteConnection(csb.ToString());
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandTimeout = LockWaitSeconds;
        command.CommandText = "BEGIN IMMEDIATE";
        await command.ExecuteNonQueryAsync(ct);
        command.CommandText = "ROLLBACK";
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task ProbePostgresAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await using var connection = await scope.ServiceProvider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"""SET LOCAL lock_timeout = '{LockWaitSeconds}s'; SELECT 1 FROM "audit_chain_head" WHERE "Id" = 1 FOR UPDATE""", connection, transaction)
        {
            CommandTimeout = LockWaitSeconds + 2,
        };
        await command.ExecuteNonQueryAsync(ct);
        await transaction.RollbackAsync(ct);
    }
}
