using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Serialises, across nodes, the read-compare-write of stored compliance states: on PostgreSQL a transaction-scoped
/// advisory lock, taken first in the transaction that reads the states it will write. Without it two nodes starting
/// on a fresh database both found no state for a control and both inserted one; the second insert failed with a
/// duplicate key, logged as an error. On SQLite (one node, one writer) the node's <c>EvaluationGate</c> is enough.
/// </summary>
internal static class ComplianceStateLock
{
    /// <summary>"SCCOMPLI" read as a number: no other advisory lock of the database collides.</summary>
    public const long Key = 0x5343_434F_4D50_4C49;

    /// <summary>Takes the lock inside the current transaction; released by its commit or rollback.</summary>
    public static async Task TakeAsync(ConsoleDbContext db, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", ct);
        }
    }
}
