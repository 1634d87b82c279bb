using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace SecurityConsole.Server.Data;

/// <summary>
/// Work that tells the world about a change (a security event, a live notice, a cache invalidation on every node) and so
/// must follow the change's commit. Outside a transaction the change is committed by the save before it, and the work runs
/// at once. Inside a caller's transaction (an access review revoking a key, for example) it waits for that transaction's
/// commit, and is dropped if the transaction rolls back or is disposed without committing: nobody hears of a change that
/// did not happen.
/// </summary>
public sealed class AfterCommit(ILogger<AfterCommit> logger) : DbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbTransaction, List<Func<CancellationToken, Task>>> _pending = [];

    /// <summary>Runs <paramref name="work"/> now if <paramref name="db"/> has no transaction open, else once it commits.</summary>
    public async Task RunAsync(DbContext db, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is { } transaction)
        {
            var list = _pending.GetOrCreateValue(transaction.GetDbTransaction());
            lock (list)
            {
                list.Add(work);
            }
            return;
        }
        await work(ct);
    }

    // A provider may hand out the same transaction object again (Npgsql reuses it per connection): whatever a transaction
    // that was disposed without committing left waiting is dropped when the next one begins.
    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        _pending.Remove(result);
        return result;
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken ct = default)
    {
        _pending.Remove(result);
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        RunPendingAsync(transaction).GetAwaiter().GetResult();

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default) =>
        RunPendingAsync(transaction);

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _pending.Remove(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
    {
        _pending.Remove(transaction);
        return Task.CompletedTask;
    }

    private async Task RunPendingAsync(DbTransaction transaction)
    {
        if (!_pending.TryGetValue(transaction, out var list))
        {
            return;
        }
        _pending.Remove(transaction);
        Func<CancellationToken, Task>[] work;
        lock (list)
        {
            work = [.. list];
        }
        // The change is committed: its consequences go out even if the request that made it is being cancelled, and one
        // that fails does not stop the others or turn the committed change into an error.
        foreach (var w in work)
        {
            try
            {
                await w(CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Work that follows a commit failed; the change itself is committed");
            }
        }
    }
}
