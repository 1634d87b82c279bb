using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Reports.Schedules;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Server.Reports.Delivery;

/// <summary>
/// Delivers a scheduled run on each of its schedule's channels (mail, webhook, in-app), one Hangfire job per attempt on
/// the 'reports' queue. Every attempt is recorded (report_deliveries, shown on the run) with an audit entry in the same
/// save; a failed attempt schedules the next one after a back-off that doubles each time, up to Reports:DeliveryAttempts.
/// </summary>
public sealed class ReportDeliveryJob(
    ConsoleDbContext db, AuditTrail audit, Caller caller, ScheduleStore schedules, ReportMailer mailer, ReportWebhook webhook, ReportInApp inApp,
    ArtifactContent artifactContent, IBackgroundJobClient jobs, ConsoleSettings settings, IOptions<ReportsOptions> options, TimeProvider clock,
    ILogger<ReportDeliveryJob> logger)
{
    public const string Mail = "email";
    public const string Webhook = "webhook";
    public const string InApp = "in-app";

    /// <summary>First attempts on every channel the run's schedule names.</summary>
    [Queue(ReportRunner.Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverAllAsync(Guid runId, CancellationToken ct)
    {
        var (run, schedule) = await LoadAsync(runId, ct);
        if (run is null || schedule is null)
        {
            return;
        }
        var delivery = ScheduleStore.DeliveryOf(schedule);
        var channels = new List<string>();
        if (delivery.Emails.Count > 0)
        {
            channels.Add(Mail);
        }
        if (delivery.WebhookUrl is not null)
        {
            channels.Add(Webhook);
        }
        if (delivery.InApp)
        {
            channels.Add(InApp);
        }
        if (!schedule.SendIfEmpty && run.Status == ReportRunStatuses.Succeeded && run.RowCount == 0)
        {
            await SkipEmptyAsync(run, schedule, channels);
            return;
        }
        foreach (var channel in channels)
        {
            await DeliverAsync(runId, channel, 1, ct);
        }
    }

    /// <summary>One attempt on one channel; on failure the next attempt is scheduled after the back-off.</summary>
    [Queue(ReportRunner.Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task<bool> DeliverAsync(Guid runId, string channel, int attempt, CancellationToken ct)
    {
        caller.ActAs(Actor.System("report-delivery"));
        var (run, schedule) = await LoadAsync(runId, ct);
        if (run is null || schedule is null)
        {
            return false;
        }
        var delivery = ScheduleStore.DeliveryOf(schedule);
        var artifact = await ArtifactAsync(runId, channel == Mail, ct);
        var item = new DeliveryItem(run, artifact, $"{settings.PublicUrl?.TrimEnd('/')}/reports/runs/{run.Id}");
        string? error = null;
        try
        {
            switch (channel)
            {
                case Mail:
                    await mailer.SendAsync(delivery.Emails, item, ct);
                    break;
                case Webhook:
                    await webhook.SendAsync(delivery.WebhookUrl!, schedules.WebhookSecret(delivery)!, item, ct);
                    break;
                default:
                    await inApp.SendAsync(item, ct);
                    break;
            }
        }
        catch (DeliveryFailedException ex)
        {
            error = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The type and message of a transport error (refused, timed out, rejected recipient) carry no secret.
            logger.LogWarning("Report {RunId} delivery by {Channel}, attempt {Attempt}, failed: {Error}", runId, channel, attempt, ex.GetType().Name);
            error = $"{ex.GetType().Name}: {ex.Message}";
        }
        var retryIn = error is not null && attempt < options.Value.DeliveryAttempts ? options.Value.DeliveryBackoff * Math.Pow(2, attempt - 1) : (TimeSpan?)null;
        var recorded = error is null ? null : retryIn is { } wait ? $"{error} Next attempt in {wait.TotalSeconds:N0} s." : error;
        db.Add(new ReportDelivery
        {
            RunId = runId, Channel = channel, Attempt = attempt, At = clock.GetUtcNow(), Succeeded = error is null,
            Error = recorded is { Length: > 1000 } ? recorded[..1000] : recorded,
        });
        audit.Record(new AuditEvent(AuditCategories.Audit, error is null ? AuditActions.ReportDelivered : AuditActions.ReportDeliveryFailed, "report_run", runId.ToString(),
            error is null ? AuditOutcomes.Success : AuditOutcomes.Failure, Data: new { channel, attempt, scheduleId = schedule.Id, error }));
        await db.SaveChangesAsync(CancellationToken.None);
        if (retryIn is { } delay)
        {
            jobs.Schedule<ReportDeliveryJob>(j => j.DeliverAsync(runId, channel, attempt + 1, CancellationToken.None), delay);
        }
        return error is null;
    }

    /// <summary>
    /// An empty report whose schedule sends only reports with data: nothing is sent, and that is recorded on the run
    /// (one skipped entry per channel, so the run page says why nothing came) with one audit entry.
    /// </summary>
    private async Task SkipEmptyAsync(ReportRun run, ReportSchedule schedule, List<string> channels)
    {
        caller.ActAs(Actor.System("report-delivery"));
        const string reason = "Not sent: the report is empty and its schedule sends only reports with data (send-if-empty is off).";
        foreach (var channel in channels)
        {
            db.Add(new ReportDelivery { RunId = run.Id, Channel = channel, Attempt = 1, At = clock.GetUtcNow(), Skipped = true, Error = reason });
        }
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.ReportDeliverySkipped, "report_run", run.Id.ToString(),
            Data: new { scheduleId = schedule.Id, channels, reason = "empty" }));
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task<(ReportRun?, ReportSchedule?)> LoadAsync(Guid runId, CancellationToken ct)
    {
        var run = await db.Set<ReportRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == runId, ct);
        var schedule = run?.ScheduleId is { } id ? await db.Set<ReportSchedule>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) : null;
        return (run, schedule);
    }

    /// <summary>
    /// The run's artifact; its bytes only when they go out in a mail and are under the attachment limit, read from the
    /// database as a stream (ADR 0185): a large CSV is sent as a link and never loaded.
    /// </summary>
    private async Task<ReportArtifact?> ArtifactAsync(Guid runId, bool mail, CancellationToken ct)
    {
        var artifact = await db.Set<ReportArtifact>().AsNoTracking().Where(a => a.RunId == runId).WithoutContent().FirstOrDefaultAsync(ct);
        if (artifact is not null && mail && artifact.Size <= options.Value.MailAttachmentMaxBytes)
        {
            await using var content = await artifactContent.OpenReadAsync(runId, ct);
            if (content is not null)
            {
                using var bytes = new MemoryStream((int)artifact.Size);
                await content.CopyToAsync(bytes, ct);
                artifact.Content = bytes.ToArray();
            }
        }
        return artifact;
    }
}
