using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;

namespace SecurityConsole.Server.Reports.Runs;

/// <summary>Deletes artifacts past their retention (Reports:ArtifactRetentionDays); the runs and their audit entries stay.</summary>
public sealed class ReportRetentionJob(ConsoleDbContext db, Caller caller, AuditTrail audit, TimeProvider clock)
{
    public const string Id = "report-artifact-retention";

    public async Task<int> RunAsync(CancellationToken ct)
    {
        caller.ActAs(Actor.System("reports"));
        var now = clock.GetUtcNow();
        var expired = await db.Set<ReportArtifact>().Where(a => a.ExpiresAt <= now).Select(a => a.RunId).ToListAsync(ct);
        if (expired.Count == 0)
        {
            return 0;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The pieces first (the foreign key cascades too, where the database enforces it).
        await db.Set<ReportArtifactChunk>().Where(c => expired.Contains(c.RunId)).ExecuteDeleteAsync(ct);
        var deleted = await db.Set<ReportArtifact>().Where(a => expired.Contains(a.RunId)).ExecuteDeleteAsync(ct);
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.ReportArtifactsExpired, "report_artifact", null, Data: new { count = deleted }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return deleted;
    }
}
