using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>The reads of the chain's state the API answers with (the trail itself is searched through <see cref="AuditReader"/>).</summary>
public sealed class AuditQueries(ConsoleDbContext db, AuditCheckpoints checkpoints, AuditAdmin admin)
{
    /// <summary>Where the trail starts and ends, the latest checkpoint, any legal hold.</summary>
    public async Task<ChainStatus> ChainAsync(CancellationToken ct)
    {
        var head = await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
        var latest = await checkpoints.LatestAsync(ct);
        var policy = await admin.PolicyAsync(ct);
        return new ChainStatus(head.PurgedThrough + 1, head.LastSequence, Convert.ToHexStringLower(head.LastHash), head.PurgedThrough,
            latest is null ? null : AuditCheckpoints.View(latest), policy.LegalHold);
    }

    /// <summary>The newest <paramref name="take"/> signed checkpoints, newest first.</summary>
    public async Task<List<CheckpointView>> CheckpointsAsync(int take, CancellationToken ct)
    {
        var rows = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).Take(take).ToListAsync(ct);
        return [.. rows.Select(AuditCheckpoints.View)];
    }
}
