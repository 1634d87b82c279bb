using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

public sealed record RetentionRun(long Deleted, long PurgedThrough, string Outcome);

/// <summary>
/// Daily retention. The chain can only lose a prefix, so the job deletes entries from the start up to
/// the first entry still inside its category's window (never shorter than any floor), and only up to
/// the newest validly signed checkpoint at or before that cut, so that verification starts from a
/// signature. Under a legal hold it deletes nothing. Each run that deletes is itself audited.
/// </summary>
public sealed class AuditRetentionJob(
    ConsoleDbContext db, AuditCheckpoints checkpoints, AuditTrail audit, IRetentionFloors floorSource, TimeProvider clock, ILogger<AuditRetentionJob> logger)
{
    public const string Id = "audit-retention";

    public Task<RetentionRun> RunAsync(CancellationToken ct) => RunAsync(clock.GetUtcNow(), ct);

    /// <summary>Applies retention as of <paramref name="now"/> (tests pass a time instead of waiting years).</summary>
    public async Task<RetentionRun> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (await db.AuditLegalHolds.AnyAsync(h => h.LiftedAt == null, ct))
        {
            logger.LogInformation("Audit retention skipped: a legal hold is in place");
            return new RetentionRun(0, 0, "legal-hold");
        }
        var windows = await WindowsAsync(ct);
        var head = await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
        var keepFrom = head.LastSequence + 1;
        foreach (var (category, days) in windows)
        {
            var cutoff = now.AddDays(-days);
            var firstKept = await db.AuditEntries.Where(e => e.Category == category && e.Time >= cutoff).MinAsync(e => (long?)e.Sequence, ct);
            keepFrom = Math.Min(keepFrom, firstKept ?? long.MaxValue);
        }
        // A category without a setting (a feature added it later) is kept as long as the longest window.
        var known = windows.Keys.ToList();
        var longest = now.AddDays(-windows.Values.DefaultIfEmpty(SetRetentionRequest.MaxDays).Max());
        var firstUnknown = await db.AuditEntries.Where(e => !known.Contains(e.Category) && e.Time >= longest).MinAsync(e => (long?)e.Sequence, ct);
        keepFrom = Math.Min(keepFrom, firstUnknown ?? long.MaxValue);

        var cut = keepFrom - 1;
        var candidates = await db.AuditCheckpoints.AsNoTracking()
            .Where(c => c.Sequence <= cut && c.Sequence > head.PurgedThrough).OrderByDescending(c => c.Sequence).Take(5).ToListAsync(ct);
        AuditCheckpoint? anchor = null;
        foreach (var c in candidates)
        {
            if (await checkpoints.IsValidAsync(c, ct))
            {
                anchor = c;
                break;
            }
        }
        if (anchor is null)
        {
            logger.LogInformation("Audit retention: nothing to delete (no signed checkpoint between {Purged} and {Cut})", head.PurgedThrough, cut);
            return new RetentionRun(0, head.PurgedThrough, "nothing-due");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var through = anchor.Sequence;
        var deleted = await db.AuditEntries.Where(e => e.Sequence <= through).ExecuteDeleteAsync(ct);
        await db.AuditChainHead.Where(h => h.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(h => h.PurgedThrough, through), ct);
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditRetentionApplied, "audit_trail", null,
            Data: new { deleted, purgedThrough = through, checkpoint = anchor.Sequence, windows }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Audit retention deleted {Deleted} entries up to checkpoint {Sequence}", deleted, through);
        return new RetentionRun(deleted, through, "deleted");
    }

    /// <summary>Effective windows: the configured days, never below any floor.</summary>
    public async Task<Dictionary<string, int>> WindowsAsync(CancellationToken ct)
    {
        var settings = await db.AuditRetention.AsNoTracking().ToDictionaryAsync(r => r.Category, r => r.Days, ct);
        foreach (var category in AuditCategoryNames.All.Where(c => !settings.ContainsKey(c)))
        {
            settings[category] = AuditRetentionDefaults.All.GetValueOrDefault(category, SetRetentionRequest.MaxDays);
        }
        var floors = await floorSource.AllAsync(ct);
        return settings.ToDictionary(s => s.Key, s => Math.Max(s.Value, RetentionFloors.FloorDays(floors, s.Key)));
    }
}
