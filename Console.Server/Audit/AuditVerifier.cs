using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// Verifies the chain, or a range of it, streaming rows in sequence order: each entry's hash is
/// recomputed and its link to the previous entry checked; signed checkpoints inside the range must
/// match; the recorded head must be reached exactly. Stops at the first broken entry and says how
/// it was broken, looking one entry ahead to tell a reordering or an insertion from an alteration.
/// </summary>
public sealed class AuditVerifier(ConsoleDbContext db, AuditCheckpoints checkpoints)
{
    private const string Columns =
        """ "Sequence", "Version", "Time", "Category", "Action", "ActorType", "ActorId", "TargetType", "TargetId", "Outcome", "SourceIp", "CorrelationId", "Data", "Subject", "SubjectKeyId", "Personal", "PrevHash", "Hash" """;

    public async Task<VerifyResult> VerifyAsync(long? fromSequence, long? toSequence, CancellationToken ct)
    {
        var head = await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
        var first = head.PurgedThrough + 1;
        var start = Math.Max(fromSequence ?? first, first);
        var end = toSequence ?? long.MaxValue;
        var run = new Run(head, first, start, end, toSequence);

        // The anchor: what the entry before `start` hashed to.
        byte[] anchor;
        byte[]? anchorPrev = null;
        long? anchorCheckpoint = null;
        if (start == first && head.PurgedThrough == 0)
        {
            anchor = AuditHash.Genesis.ToArray();
        }
        else if (start == first)
        {
            var cp = await db.AuditCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Sequence == head.PurgedThrough, ct);
            if (cp is null || !await checkpoints.IsValidAsync(cp, ct))
            {
                return run.Broken(first, ChainProblem.Removed,
                    $"Entries up to {head.PurgedThrough} are gone but no validly signed checkpoint at {head.PurgedThrough} vouches for where the trail now starts.");
            }
            anchor = cp.Hash;
            anchorCheckpoint = cp.Sequence;
        }
        else
        {
            var before = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == start - 1)
                .Select(e => new { e.Hash, e.PrevHash }).FirstOrDefaultAsync(ct);
            if (before is null)
            {
                return run.Broken(start - 1, ChainProblem.Removed, $"Entry {start - 1}, which the range starts after, is missing.");
            }
            (anchor, anchorPrev) = (before.Hash, before.PrevHash);
        }
        run.AnchorCheckpoint = anchorCheckpoint;

        var signed = new Dictionary<long, AuditCheckpoint>();
        foreach (var cp in await db.AuditCheckpoints.AsNoTracking().Where(c => c.Sequence >= start && c.Sequence <= end).ToListAsync(ct))
        {
            if (!await checkpoints.IsValidAsync(cp, ct))
            {
                return run.Broken(cp.Sequence, ChainProblem.Altered, $"The checkpoint at {cp.Sequence} does not carry a valid signature of this console.");
            }
            signed[cp.Sequence] = cp;
        }

        var sqlite = db is SqliteConsoleDbContext;
        VerifyResult result;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""SELECT {Columns} FROM "audit_entries" WHERE "Sequence" >= @from AND "Sequence" <= @to ORDER BY "Sequence" """;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            AddParameter(command, "@from", start);
            // Only the entries the head read above vouches for: the console goes on appending while this runs.
            AddParameter(command, "@to", Math.Min(end, head.LastSequence));
            command.CommandTimeout = 0;
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            result = await WalkAsync(reader, sqlite, run, anchor, anchorPrev, signed, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        if (result.Intact && end > head.LastSequence)
        {
            // An entry past that head is either appended since (the head has moved on to cover it) or put there by hand.
            var beyond = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence > head.LastSequence && e.Sequence <= end)
                .MinAsync(e => (long?)e.Sequence, ct);
            var now = beyond is null ? head : await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
            if (beyond > now.LastSequence)
            {
                return run.Broken(beyond.Value, ChainProblem.Inserted,
                    $"Entry {beyond} lies beyond the last entry the console appended ({now.LastSequence}).");
            }
        }
        return result;
    }

    private static async Task<VerifyResult> WalkAsync(
        DbDataReader reader, bool sqlite, Run run, byte[] anchor, byte[]? anchorPrev, Dictionary<long, AuditCheckpoint> signed, CancellationToken ct)
    {
        var hasher = new AuditHash();
        var computed = new byte[AuditHash.Size];
        var cur = new Row();
        var next = new Row();
        var expected = run.Start;
        var last = run.Start - 1;
        var hasCur = await cur.ReadAsync(reader, sqlite, ct);
        while (hasCur)
        {
            if (cur.Sequence > run.Head.LastSequence)
            {
                return run.Broken(cur.Sequence, ChainProblem.Inserted,
                    $"Entry {cur.Sequence} lies beyond the last entry the console appended ({run.Head.LastSequence}).");
            }
            if (cur.Sequence != expected)
            {
                return cur.Sequence > expected
                    ? run.Broken(expected, ChainProblem.Removed, $"Entry {expected} is missing (the next entry present is {cur.Sequence}).")
                    : run.Broken(cur.Sequence, ChainProblem.Inserted, $"Sequence {cur.Sequence} appears more than once.");
            }
            cur.Hash(hasher, computed);
            var hashOk = computed.AsSpan().SequenceEqual(cur.StoredHash);
            var linkOk = cur.PrevHash.AsSpan().SequenceEqual(anchor);
            if (hashOk && linkOk)
            {
                if (signed.TryGetValue(cur.Sequence, out var cp) && !cp.Hash.AsSpan().SequenceEqual(cur.StoredHash))
                {
                    return run.Broken(cur.Sequence, ChainProblem.Altered,
                        $"Entry {cur.Sequence} does not match the signed checkpoint: the chain was rewritten up to here.");
                }
                anchorPrev = cur.PrevHash;
                anchor = cur.StoredHash;
                last = cur.Sequence;
                expected++;
                run.Checked++;
                hasCur = await cur.ReadAsync(reader, sqlite, ct);
                continue;
            }
            var hasNext = await next.ReadAsync(reader, sqlite, ct);
            if (hasNext && next.Sequence == cur.Sequence + 1 && cur.PrevHash.AsSpan().SequenceEqual(next.StoredHash))
            {
                return run.Broken(cur.Sequence, ChainProblem.Reordered,
                    $"Entry {cur.Sequence} was moved: it links to the entry now at {next.Sequence}, which should come after it.");
            }
            if (!linkOk && anchorPrev is not null && cur.PrevHash.AsSpan().SequenceEqual(anchorPrev) && last >= run.First)
            {
                return run.Broken(last, ChainProblem.Inserted,
                    $"Entry {last} was spliced in: the entry after it still links to entry {last - 1}.");
            }
            if (hasNext && next.PrevHash.AsSpan().SequenceEqual(anchor))
            {
                return run.Broken(cur.Sequence, ChainProblem.Inserted,
                    $"Entry {cur.Sequence} was not appended by the console: the entry after it links past it to entry {last}.");
            }
            if (!hashOk && cur.AppendedAs(hasher, computed) is { } original)
            {
                return original == cur.Sequence + 1 && !linkOk
                    ? run.Broken(cur.Sequence, ChainProblem.Removed,
                        $"Entry {cur.Sequence} was removed and the entries after it renumbered (the entry now at {cur.Sequence} was appended as {original}).")
                    : run.Broken(cur.Sequence, ChainProblem.Reordered, $"The entry at {cur.Sequence} was appended as entry {original}: it was moved.");
            }
            if (!hashOk)
            {
                return run.Broken(cur.Sequence, ChainProblem.Altered, $"Entry {cur.Sequence} no longer matches its hash: its content was changed.");
            }
            return last >= run.First
                ? run.Broken(last, ChainProblem.Altered, $"Entry {last} was rewritten: entry {cur.Sequence} recorded a different hash for it.")
                : run.Broken(cur.Sequence, ChainProblem.Altered, $"Entry {cur.Sequence} does not link to the start of the trail.");
        }
        var coversHead = run.To is null || run.To >= run.Head.LastSequence;
        if (coversHead && last < run.Head.LastSequence)
        {
            return run.Broken(last + 1, ChainProblem.Removed,
                $"Entries {last + 1} to {run.Head.LastSequence} are missing: the console appended up to {run.Head.LastSequence}.");
        }
        if (coversHead && last == run.Head.LastSequence && !anchor.AsSpan().SequenceEqual(run.Head.LastHash))
        {
            return run.Broken(last, ChainProblem.Altered, $"Entry {last} is not the entry the console appended last: its hash differs from the recorded head.");
        }
        return run.Intact(last);
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private sealed class Run(AuditChainHead head, long first, long start, long end, long? to)
    {
        public AuditChainHead Head { get; } = head;
        public long First { get; } = first;
        public long Start { get; } = start;
        public long? To { get; } = to;
        public long Checked { get; set; }
        public long? AnchorCheckpoint { get; set; }

        public VerifyResult Broken(long sequence, ChainProblem problem, string detail) =>
            new(false, Start, Math.Min(end, Head.LastSequence), Checked, sequence, problem, detail, First, Head.LastSequence, AnchorCheckpoint);

        public VerifyResult Intact(long last) =>
            new(true, Start, Math.Max(last, Math.Min(end, Head.LastSequence)), Checked, null, null, null, First, Head.LastSequence, AnchorCheckpoint);
    }

    /// <summary>One row as read; reused, so that a million rows cost a million rows' strings and hashes, nothing more.</summary>
    private sealed class Row
    {
        public long Sequence;
        private short _version;
        private long _ticks;
        private string _category = "", _action = "", _actorType = "", _actorId = "", _outcome = "";
        private string? _targetType, _targetId, _sourceIp, _correlationId, _data, _subject, _personal;
        private Guid? _subjectKeyId;
        public byte[] PrevHash = [];
        public byte[] StoredHash = [];

        public async Task<bool> ReadAsync(DbDataReader r, bool sqlite, CancellationToken ct)
        {
            if (!await r.ReadAsync(ct))
            {
                return false;
            }
            Sequence = r.GetInt64(0);
            _version = r.GetInt16(1);
            _ticks = sqlite ? r.GetInt64(2) : r.GetFieldValue<DateTime>(2).Ticks;
            _category = r.GetString(3);
            _action = r.GetString(4);
            _actorType = r.GetString(5);
            _actorId = r.GetString(6);
            _targetType = r.IsDBNull(7) ? null : r.GetString(7);
            _targetId = r.IsDBNull(8) ? null : r.GetString(8);
            _outcome = r.GetString(9);
            _sourceIp = r.IsDBNull(10) ? null : r.GetString(10);
            _correlationId = r.IsDBNull(11) ? null : r.GetString(11);
            _data = r.IsDBNull(12) ? null : r.GetString(12);
            _subject = r.IsDBNull(13) ? null : r.GetString(13);
            _subjectKeyId = r.IsDBNull(14) ? null : r.GetGuid(14);
            _personal = r.IsDBNull(15) ? null : r.GetString(15);
            PrevHash = r.GetFieldValue<byte[]>(16);
            StoredHash = r.GetFieldValue<byte[]>(17);
            return true;
        }

        /// <summary>The sequence (near this one) under which the entry's content does hash to its stored hash: where it was appended.</summary>
        public long? AppendedAs(AuditHash hasher, Span<byte> scratch)
        {
            var actual = Sequence;
            try
            {
                for (var d = 1; d <= 16; d++)
                {
                    foreach (var candidate in new[] { actual + d, actual - d })
                    {
                        Sequence = candidate;
                        Hash(hasher, scratch);
                        if (candidate > 0 && scratch.SequenceEqual(StoredHash))
                        {
                            return candidate;
                        }
                    }
                }
                return null;
            }
            finally
            {
                Sequence = actual;
            }
        }

        public void Hash(AuditHash hasher, Span<byte> destination)
        {
            if (_version != AuditHash.CurrentVersion)
            {
                // A version this build does not know cannot match: report it as altered rather than fail.
                destination.Clear();
                return;
            }
            hasher.Compute(_version, PrevHash, Sequence, _ticks, _category, _action, _actorType, _actorId, _targetType, _targetId,
                _outcome, _sourceIp, _correlationId, _data, _subject, _subjectKeyId, _personal, destination);
        }
    }
}
