using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Audit;

/// <summary>The audit feature's reads for reports: the head of the chain (the data watermark) and one entry's action and data (verification).</summary>
public sealed class AuditReportQueries(ConsoleDbContext db)
{
    public async Task<long> HeadSequenceAsync(CancellationToken ct) =>
        await db.AuditChainHead.AsNoTracking().Select(h => h.LastSequence).FirstOrDefaultAsync(ct);

    /// <summary>
    /// The newest entry that is not a report's own (report.generated, report.downloaded, ...): the part of the watermark
    /// report data can depend on, so that running a report does not make its own cached data look stale.
    /// </summary>
    public async Task<long> NewestDataSequenceAsync(CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().Where(a => !a.Action.StartsWith("report.")).MaxAsync(a => (long?)a.Sequence, ct) ?? 0;

    public async Task<(string Action, string? TargetId, string? Data)?> EntryAsync(long sequence, CancellationToken ct)
    {
        var e = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence == sequence).Select(a => new { a.Action, a.TargetId, a.Data }).FirstOrDefaultAsync(ct);
        return e is null ? null : (e.Action, e.TargetId, e.Data);
    }
}
