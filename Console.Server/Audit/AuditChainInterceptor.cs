using System.Data.Common;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// Chains audit entries at SaveChanges. When a save carries new entries it takes the chain lock
/// (an UPDATE of the one audit_chain_head row: a row lock in PostgreSQL, the write lock in SQLite),
/// opening a transaction if the caller has none; encrypts personal data under the subject's key;
/// assigns gap-free sequences, clamps each entry's time to at least the previous entry's (so that time never
/// goes back along the chain) and hashes; and moves the head, all in the caller's transaction.
/// Any failure fails the whole SaveChanges: no change is committed without its entry.
/// </summary>
public sealed class AuditChainInterceptor(AuditKeys keys, PersonalData personal, TimeProvider clock) : SaveChangesInterceptor
{
    private const string LockSql =
        """UPDATE "audit_chain_head" SET "LastSequence" = "LastSequence" WHERE "Id" = 1 RETURNING "LastSequence", "LastHash", "LastTime" """;

    private const string MoveHeadSql =
        """UPDATE "audit_chain_head" SET "LastSequence" = @seq, "LastHash" = @hash, "LastTime" = @time WHERE "Id" = 1""";

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        if (eventData.Context is ConsoleDbContext db)
        {
            await AppendAsync(db, ct);
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is ConsoleDbContext db)
        {
            AppendAsync(db, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
    {
        if (eventData.Context is ConsoleDbContext { AuditTransaction: { } tx } db)
        {
            db.AuditTransaction = null;
            db.Database.AutoSavepointsEnabled = true;
            await using (tx)
            {
                await tx.CommitAsync(ct);
            }
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result) =>
        SavedChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default) =>
        await RollbackOwnedAsync(eventData.Context as ConsoleDbContext);

    public override void SaveChangesFailed(DbContextErrorEventData eventData) =>
        RollbackOwnedAsync(eventData.Context as ConsoleDbContext).GetAwaiter().GetResult();

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken ct = default) =>
        await RollbackOwnedAsync(eventData.Context as ConsoleDbContext);

    private async ValueTask AppendAsync(ConsoleDbContext db, CancellationToken ct)
    {
        List<AuditEntry>? pending = null;
        foreach (var e in db.ChangeTracker.Entries<AuditEntry>())
        {
            if (e.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("Audit entries are append-only: they cannot be changed or deleted through the DbContext.");
            }
            if (e.State == EntityState.Added)
            {
                (pending ??= []).Add(e.Entity);
            }
        }
        if (pending is null)
        {
            return;
        }
        pending.Sort((a, b) => a.Ordinal.CompareTo(b.Ordinal));
        // Fetched before the lock: loading it may need its own connection.
        var pseudonymKey = pending.Any(p => p.PendingPersonal is not null) ? await keys.PseudonymKeyAsync(ct) : null;

        if (db.Database.CurrentTransaction is null)
        {
            db.AuditTransaction = await db.Database.BeginTransactionAsync(ct);
            // EF would add a savepoint inside a transaction it did not open; a failure rolls all of this one back anyway.
            db.Database.AutoSavepointsEnabled = false;
        }
        try
        {
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            // SQLite stores times as UTC ticks (SqliteConsoleDbContext); PostgreSQL as timestamptz.
            var ticks = db is SqliteConsoleDbContext;
            var (lastSequence, lastHash, lastTime) = await LockHeadAsync(connection, transaction, ticks, ct);
            var subjectKeys = pseudonymKey is null
                ? []
                : await SubjectKeysAsync(db, connection, transaction, pending
                    .Where(p => p.PendingPersonal is not null)
                    .Select(p => p.Subject = AuditKeys.Pseudonym(pseudonymKey, p.PendingSubject ?? "unknown"))
                    .Distinct(StringComparer.Ordinal).ToList(), ct);
            var hasher = new AuditHash();
            foreach (var entry in pending)
            {
                if (entry.PendingPersonal is { } data && entry.Subject is { } pseudonym)
                {
                    var key = subjectKeys[pseudonym];
                    entry.SubjectKeyId = key.Id;
                    entry.Personal = PersonalData.Encrypt(key.Key, key.Id, pseudonym, data.ToJsonString());
                }
                entry.Version = AuditHash.CurrentVersion;
                entry.Sequence = ++lastSequence;
                // An entry's time is when it joined the chain, never earlier than the entry before it: concurrent saves
                // stamp times before they queue for the lock, and back-dated callers (demo data) may pass any time.
                var time = AuditHash.Truncate(entry.Time);
                entry.Time = lastTime is { } previous && time < previous ? previous : time;
                lastTime = entry.Time;
                entry.PrevHash = lastHash;
                entry.Hash = new byte[AuditHash.Size];
                hasher.Compute(entry, entry.Hash);
                lastHash = entry.Hash;
            }
            foreach (var (_, key) in subjectKeys)
            {
                CryptographicOperations.ZeroMemory(key.Key);
            }
            await using var move = Command(connection, transaction, MoveHeadSql);
            Add(move, "@seq", lastSequence);
            Add(move, "@hash", lastHash);
            Add(move, "@time", ticks ? lastTime!.Value.UtcTicks : (object)lastTime!.Value);
            if (await move.ExecuteNonQueryAsync(ct) != 1)
            {
                throw new InvalidOperationException("The audit chain head could not be moved.");
            }
        }
        catch
        {
            await RollbackOwnedAsync(db);
            throw;
        }
    }

    private static async Task<(long Sequence, byte[] Hash, DateTimeOffset? Time)> LockHeadAsync(
        DbConnection connection, DbTransaction transaction, bool ticks, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, LockSql);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException("The audit chain head row is missing; refusing to write audit entries.");
        }
        DateTimeOffset? time = reader.IsDBNull(2) ? null
            : ticks ? new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero) : reader.GetFieldValue<DateTimeOffset>(2);
        return (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), time);
    }

    /// <summary>The live key of each subject, read in one query per 500 subjects; missing ones are created (under the chain lock, so once).</summary>
    private async Task<Dictionary<string, (Guid Id, byte[] Key)>> SubjectKeysAsync(
        ConsoleDbContext db, DbConnection connection, DbTransaction transaction, List<string> pseudonyms, CancellationToken ct)
    {
        var keys = new Dictionary<string, (Guid Id, byte[] Key)>(StringComparer.Ordinal);
        foreach (var added in db.AuditSubjectKeys.Local.Where(k => k.ProtectedKey is not null && k.ErasedAt is null && pseudonyms.Contains(k.Pseudonym)))
        {
            keys.TryAdd(added.Pseudonym, (added.Id, personal.UnprotectKey(added.ProtectedKey!)));
        }
        foreach (var chunk in pseudonyms.Where(p => !keys.ContainsKey(p)).Chunk(500))
        {
            await using var command = Command(connection, transaction, "");
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                names.Add($"@p{i}");
                Add(command, $"@p{i}", chunk[i]);
            }
            command.CommandText =
                $"""SELECT "Pseudonym", "Id", "ProtectedKey" FROM "audit_subject_keys" WHERE "Pseudonym" IN ({string.Join(", ", names)}) AND "ErasedAt" IS NULL AND "ProtectedKey" IS NOT NULL ORDER BY "CreatedAt" """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var pseudonym = reader.GetString(0);
                if (!keys.ContainsKey(pseudonym))
                {
                    keys[pseudonym] = (reader.GetGuid(1), personal.UnprotectKey(reader.GetString(2)));
                }
            }
        }
        foreach (var pseudonym in pseudonyms.Where(p => !keys.ContainsKey(p)))
        {
            var key = RandomNumberGenerator.GetBytes(32);
            var row = new AuditSubjectKey { Id = Guid.NewGuid(), Pseudonym = pseudonym, ProtectedKey = personal.ProtectKey(key), CreatedAt = clock.GetUtcNow() };
            db.AuditSubjectKeys.Add(row);
            keys[pseudonym] = (row.Id, key);
        }
        return keys;
    }

    private static async Task RollbackOwnedAsync(ConsoleDbContext? db)
    {
        if (db?.AuditTransaction is { } tx)
        {
            db.AuditTransaction = null;
            db.Database.AutoSavepointsEnabled = true;
            await using (tx)
            {
                await tx.RollbackAsync();
            }
        }
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
