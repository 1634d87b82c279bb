using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Dashboard;

namespace SecurityConsole.Server.Audit;

/// <summary>The audit trail's figures other features show (the dashboard's cards and activity chart).</summary>
public sealed class AuditCounts(ConsoleDbContext db)
{
    public Task<long> EntriesAsync(CancellationToken ct) => db.AuditEntries.LongCountAsync(ct);

    /// <summary>Entries per UTC day, for <paramref name="days"/> days ending with the day of <paramref name="now"/>.</summary>
    public async Task<List<DailyCount>> DailyAsync(DateTimeOffset now, int days, CancellationToken ct)
    {
        var firstDay = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1 - days);
        // One indexed range count per day: portable across providers and cheap at millions of entries.
        var series = new List<DailyCount>(days);
        for (var i = 0; i < days; i++)
        {
            var day = firstDay.AddDays(i);
            var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var to = from.AddDays(1);
            series.Add(new DailyCount(day, await db.AuditEntries.CountAsync(e => e.Time >= from && e.Time < to, ct)));
        }
        return series;
    }
}
