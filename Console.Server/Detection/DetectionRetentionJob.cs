using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Detection;

public sealed record EventRetentionRun(long Deleted, int Days, DateTimeOffset Cutoff, string Outcome);

/// <summary>
/// Daily: deletes raw security events (and baselines not updated since) older than the audit trail's retention for
/// the security category, never below its compliance floors (see AuditRetentionJob.WindowsAsync). A legal hold stops
/// it, as it stops the audit trail's. Deletes in chunks so that ingestion never waits long; a run that deletes is audited.
/// </summary>
public sealed class DetectionRetentionJob(
    ConsoleDbContext db, AuditRetentionJob auditRetention, AuditTrail audit, TimeProvider clock, ILogger<DetectionRetentionJob> logger)
{
    public const string Id = "detection-retention";
    private const int Chunk = 10_000;

    public Task<EventRetentionRun> RunAsync(CancellationToken ct) => RunAsync(clock.GetUtcNow(), ct);

    /// <summary>Applies retention as of <paramref name="now"/> (tests pass a time instead of waiting a year).</summary>
    public async Task<EventRetentionRun> RunAsync(DateTimeOffset now, CancellationToken ct)
    {
        var days = (await auditRetention.WindowsAsync(ct))[AuditCategories.Security];
        var cutoff = now.AddDays(-days);
        if (await db.AuditLegalHolds.AnyAsync(h => h.LiftedAt == null, ct))
        {
            logger.LogInformation("Event retention skipped: a legal hold is in place");
            return new EventRetentionRun(0, days, cutoff, "legal-hold");
        }
        long deleted = 0;
        while (true)
        {
            var upTo = await db.SecurityEvents.Where(e => e.Time < cutoff).OrderBy(e => e.Id).Select(e => e.Id).Skip(Chunk - 1).FirstOrDefaultAsync(ct);
            var n = upTo == 0
                ? await db.SecurityEvents.Where(e => e.Time < cutoff).ExecuteDeleteAsync(ct)
                : await db.SecurityEvents.Where(e => e.Time < cutoff && e.Id <= upTo).ExecuteDeleteAsync(ct);
            deleted += n;
            if (upTo == 0 || n == 0)
            {
                break;
            }
        }
        var baselines = await db.EntityBaselines.Where(b => b.UpdatedAt < cutoff).ExecuteDeleteAsync(ct);
        if (deleted + baselines == 0)
        {
            return new EventRetentionRun(0, days, cutoff, "nothing-due");
        }
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.DetectionEventsPurged, "security_events", null,
            Data: new { deleted, baselines, days, cutoff }));
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Event retention deleted {Deleted} events older than {Cutoff:O} ({Days} days)", deleted, cutoff, days);
        return new EventRetentionRun(deleted, days, cutoff, "deleted");
    }
}
