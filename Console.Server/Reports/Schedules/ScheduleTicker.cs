using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Schedules;

/// <summary>
/// One Hangfire recurring job, every minute, fires the schedules that are due. Hangfire's recurring-job scheduler
/// triggers it once across the cluster; on top of that each schedule is claimed by a conditional update of its
/// NextRunAt, in the same transaction as the run and its audit entry, so that two tickers (a slow one and the next,
/// or two nodes) can never both fire one occurrence. After downtime a schedule that missed several occurrences fires
/// once, and its next run is the next occurrence after now: missed runs are coalesced.
/// </summary>
public sealed class ScheduleTicker(
    ConsoleDbContext db, ReportRuns runs, UserReportQueries users, Caller caller, AuditTrail audit, TimeProvider clock, ILogger<ScheduleTicker> logger)
{
    public const string Id = "report-schedules";

    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public async Task<int> FireDueAsync(CancellationToken ct)
    {
        caller.ActAs(Actor.System("report-schedules"));
        var now = clock.GetUtcNow();
        var due = await db.Set<ReportSchedule>().AsNoTracking().Where(s => s.Enabled && s.NextRunAt != null && s.NextRunAt <= now)
            .OrderBy(s => s.NextRunAt).Take(100).ToListAsync(ct);
        var fired = 0;
        foreach (var schedule in due)
        {
            try
            {
                fired += await FireAsync(schedule, now, ct) ? 1 : 0;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Report schedule {ScheduleId} did not fire", schedule.Id);
            }
            db.ChangeTracker.Clear();
        }
        return fired;
    }

    private async Task<bool> FireAsync(ReportSchedule schedule, DateTimeOffset now, CancellationToken ct)
    {
        var cron = ScheduleCron.Parse(schedule.Cron, schedule.TimeZone, new Validator());
        var next = cron?.NextAfter(now);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Set<ReportSchedule>().Where(s => s.Id == schedule.Id && s.NextRunAt == schedule.NextRunAt)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextRunAt, next).SetProperty(x => x.LastFiredAt, now), ct);
        if (claimed == 0)
        {
            return false; // Another ticker fired this occurrence.
        }
        var request = new RunReportRequest(schedule.Template, schedule.Version, schedule.Format, JsonSerializer.Deserialize<Dictionary<string, string>>(schedule.Parameters));
        // The owner's permissions as they are now; the runner checks them again when it runs.
        var roles = await users.RolesOfAsync(schedule.OwnerUserId, ct);
        var v = new Validator();
        var run = roles is null ? null : await runs.StartAsync(request, schedule.OwnerUserId, Roles.PermissionsOf(roles), schedule.Id, v, ct, enqueue: false);
        if (run is null)
        {
            var reason = roles is null ? "its owner no longer exists" : string.Join(" ", v.Errors.SelectMany(e => e.Value));
            audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.ReportScheduleSkipped, "report_schedule", schedule.Id.ToString(), AuditOutcomes.Failure,
                Data: new { reason }));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (run is not null)
        {
            runs.Enqueue(run.Id);
        }
        return run is not null;
    }
}
