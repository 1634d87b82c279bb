using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Detection;

/// <summary>An alert as reports read it.</summary>
public sealed record AlertReportRow(
    long Id, string RuleId, string Severity, string Status, string EntityKind, string EntityId, string Title, DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt, int Count, string? AssigneeUserId, DateTimeOffset? ClosedAt);

/// <summary>The detection feature's reads for reports: alerts first seen in a period, page by page, and the newest ids (the data watermark).</summary>
public sealed class AlertReportQueries(ConsoleDbContext db)
{
    private const int Page = 1000;

    public async IAsyncEnumerable<AlertReportRow> AlertsAsync(DateTimeOffset from, DateTimeOffset to, string? severity, [EnumeratorCancellation] CancellationToken ct)
    {
        long after = 0;
        while (true)
        {
            var q = db.Alerts.AsNoTracking().Where(a => a.Id > after && a.FirstSeenAt >= from && a.FirstSeenAt <= to);
            if (severity is not null)
            {
                q = q.Where(a => a.Severity == severity);
            }
            var rows = await q.OrderBy(a => a.Id).Take(Page)
                .Select(a => new AlertReportRow(a.Id, a.RuleId, a.Severity, a.Status, a.EntityKind, a.EntityId, a.Title, a.FirstSeenAt, a.LastSeenAt, a.Count,
                    a.AssigneeUserId, a.ClosedAt))
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                yield return row;
            }
            if (rows.Count < Page)
            {
                yield break;
            }
            after = rows[^1].Id;
        }
    }

    public Task<long?> NewestAlertIdAsync(CancellationToken ct) => db.Alerts.MaxAsync(a => (long?)a.Id, ct);

    public Task<long?> NewestEventIdAsync(CancellationToken ct) => db.SecurityEvents.MaxAsync(e => (long?)e.Id, ct);
}
