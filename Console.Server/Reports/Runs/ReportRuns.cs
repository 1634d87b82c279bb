using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports.Data;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Runs;

/// <summary>Starting, reading, cancelling and verifying runs, and handing out their artifacts. A caller sees only their own runs.</summary>
public sealed class ReportRuns(
    ConsoleDbContext db, TemplateStore templates, IBackgroundJobClient jobs, AuditTrail audit, AuditReportQueries auditEntries, ReportFilterChoices choices,
    Caching.ReportCache cache, ArtifactContent artifactContent, IServiceScopeFactory scopes, TimeProvider clock, ILogger<ReportRuns> logger)
{
    /// <summary>
    /// Validates and queues a run for <paramref name="ownerUserId"/>; null with the fields at fault in <paramref name="v"/>.
    /// A run asked for on demand that the artifact cache can serve is finished at once instead, without the queue (its
    /// status is then <see cref="ReportRunStatuses.Succeeded"/>; <see cref="ReportRunner.TryServeFromCacheAsync"/>).
    /// </summary>
    public async Task<ReportRun?> StartAsync(RunReportRequest request, string ownerUserId, IReadOnlySet<string> callerPermissions, Guid? scheduleId,
        Validator v, CancellationToken ct, bool enqueue = true)
    {
        var template = await templates.ResolveAsync(request.Template, request.Version, v, ct);
        if (template is null)
        {
            return null;
        }
        if (!callerPermissions.Contains(template.Type.Needs))
        {
            v.Add("template", $"A {template.Type.Title.ToLowerInvariant()} report reads data that needs {template.Type.Needs}, which you do not hold.");
            return null;
        }
        var parameters = ResolvedParameters.Resolve(template.Type, request.Parameters, clock.GetUtcNow(), v, choices.All);
        if (parameters is null)
        {
            return null;
        }
        var run = new ReportRun
        {
            Id = Guid.NewGuid(), Template = template.Template, Type = template.Type.Id, Title = template.Title, Version = template.Version,
            Format = request.Format ?? ReportFormats.Html, Parameters = JsonSerializer.Serialize(parameters.ToDictionary()), OwnerUserId = ownerUserId,
            Status = ReportRunStatuses.Queued, CreatedAt = clock.GetUtcNow(), ScheduleId = scheduleId,
        };
        db.Add(run);
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.ReportRequested, "report_run", run.Id.ToString(),
            Data: new { template = run.Template, version = run.Version, format = run.Format, parameters = parameters.ToDictionary(), scheduleId }));
        await db.SaveChangesAsync(ct);
        if (enqueue)
        {
            if (scheduleId is null && parameters.To <= clock.GetUtcNow() && await ServedFromCacheAsync(run.Id, ct))
            {
                db.Entry(run).State = EntityState.Detached;
                run.Status = ReportRunStatuses.Succeeded;
                return run;
            }
            Enqueue(run.Id);
        }
        return run;
    }

    /// <summary>
    /// Whether the artifact cache finished the run just now, as the runner does on the queue (its own scope: the runner
    /// acts as the reports system, with a context of its own). Anything going wrong leaves the run to the queue.
    /// </summary>
    private async Task<bool> ServedFromCacheAsync(Guid runId, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ReportRunner>().TryServeFromCacheAsync(runId, ct);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Report run {RunId} could not be served from the artifact cache; it is queued instead", runId);
            return false;
        }
    }

    /// <summary>Hands a saved run to the 'reports' queue; after the commit, so that a worker never looks for a run not yet there.</summary>
    public void Enqueue(Guid runId) => jobs.Enqueue<ReportRunner>(r => r.RunAsync(runId, CancellationToken.None));

    public Task<ReportRun?> FindAsync(Guid id, string ownerUserId, CancellationToken ct) =>
        db.Set<ReportRun>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.OwnerUserId == ownerUserId, ct);

    public async Task<ReportRunView?> ViewAsync(Guid id, string ownerUserId, CancellationToken ct) =>
        await FindAsync(id, ownerUserId, ct) is { } run ? await ViewAsync(run, ct) : null;

    public async Task<List<ReportRunView>> ListAsync(string ownerUserId, int limit, CancellationToken ct)
    {
        var runs = await db.Set<ReportRun>().AsNoTracking().Where(r => r.OwnerUserId == ownerUserId).OrderByDescending(r => r.CreatedAt).Take(limit).ToListAsync(ct);
        var views = new List<ReportRunView>();
        foreach (var run in runs)
        {
            views.Add(await ViewAsync(run, ct));
        }
        return views;
    }

    /// <summary>Asks a queued or running run to stop; false when it has finished already.</summary>
    public async Task<bool?> CancelAsync(Guid id, string ownerUserId, CancellationToken ct)
    {
        var run = await db.Set<ReportRun>().FirstOrDefaultAsync(r => r.Id == id && r.OwnerUserId == ownerUserId, ct);
        if (run is null)
        {
            return null;
        }
        if (ReportRunStatuses.IsFinished(run.Status))
        {
            return false;
        }
        run.CancelRequested = true;
        if (run.Status == ReportRunStatuses.Queued)
        {
            run.Status = ReportRunStatuses.Cancelled;
            run.FailureReason = "Cancelled by its owner before it started.";
            run.FinishedAt = clock.GetUtcNow();
        }
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.ReportCancelled, "report_run", id.ToString()));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// The artifact for download, with its report.downloaded entry written before the first byte leaves. Its bytes come from
    /// memory when this node made or served them (the cache holds them under their SHA-256, the hash recorded for the
    /// artifact), else straight from the database as they are sent (ADR 0185): a large CSV is never held whole.
    /// </summary>
    public async Task<ArtifactDownload?> DownloadAsync(Guid id, string ownerUserId, CancellationToken ct)
    {
        var artifact = await ArtifactAsync(id, ownerUserId, ct);
        if (artifact is null)
        {
            return null;
        }
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.ReportDownloaded, "report_run", id.ToString(),
            Data: new { sha256 = artifact.Sha256, format = artifact.Format }));
        await db.SaveChangesAsync(ct);
        var content = (await cache.TryGetAsync<CachedArtifact>(Caching.ReportCache.Contents, artifact.Sha256, ct, localOnly: true))?.Content is { } bytes
            ? new MemoryStream(bytes, writable: false)
            : await artifactContent.OpenReadAsync(id, ct);
        return content is null ? null : new ArtifactDownload(artifact, content);
    }

    /// <summary>Hashes the stored artifact again and compares it with the hash recorded at generation and with the audit entry that vouches for it.</summary>
    public async Task<ReportVerifyResult?> VerifyAsync(Guid id, string ownerUserId, CancellationToken ct)
    {
        var artifact = await ArtifactAsync(id, ownerUserId, ct);
        if (artifact is null)
        {
            return null;
        }
        string? chained = null;
        if (artifact.AuditSequence is { } seq && await auditEntries.EntryAsync(seq, ct) is { } entry && entry.Action == AuditActions.ReportGenerated && entry.TargetId == id.ToString()
            && entry.Data is { } json)
        {
            chained = JsonDocument.Parse(json).RootElement.TryGetProperty("sha256", out var s) ? s.GetString() : null;
        }
        string actual;
        // Hashed as it is read: a large artifact is never held whole (ADR 0185).
        await using (var content = await artifactContent.OpenReadAsync(id, ct))
        {
            if (content is null)
            {
                return null;
            }
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, ct));
        }
        var matchesChain = chained == actual;
        var intact = actual == artifact.Sha256 && matchesChain;
        var detail = intact
            ? $"The artifact's SHA-256 matches the one recorded in audit entry {artifact.AuditSequence}."
            : chained is null
                ? "The audit entry that should vouch for this artifact is missing or does not name it."
                : "The artifact has changed since it was generated: its SHA-256 no longer matches the audit entry.";
        return new ReportVerifyResult(intact, chained ?? artifact.Sha256, actual, artifact.AuditSequence, matchesChain, detail);
    }

    /// <summary>The artifact of a run the caller owns, without its bytes.</summary>
    private Task<ReportArtifact?> ArtifactAsync(Guid id, string ownerUserId, CancellationToken ct) =>
        db.Set<ReportArtifact>().AsNoTracking()
            .Where(a => a.RunId == id && db.Set<ReportRun>().Any(r => r.Id == id && r.OwnerUserId == ownerUserId))
            .WithoutContent()
            .FirstOrDefaultAsync(ct);

    public async Task<ReportRunView> ViewAsync(ReportRun run, CancellationToken ct)
    {
        var artifact = await db.Set<ReportArtifact>().AsNoTracking().Where(a => a.RunId == run.Id)
            .Select(a => new ReportArtifactView(a.Format, a.Size, a.Sha256, a.DataSha256, a.FileName, a.ExpiresAt)).FirstOrDefaultAsync(ct);
        var deliveries = await db.Set<ReportDelivery>().AsNoTracking().Where(d => d.RunId == run.Id).OrderBy(d => d.Id)
            .Select(d => new DeliveryAttemptView(d.Channel, d.Attempt, d.At, d.Succeeded, d.Error, d.Skipped)).ToListAsync(ct);
        return new ReportRunView(run.Id, run.Template, run.Type, run.Title, run.Version, run.Format, run.Status, run.Stage, run.Percent, run.FailureReason,
            run.OwnerUserId, run.CreatedAt, run.StartedAt, run.FinishedAt,
            run.Stages is null ? [] : JsonSerializer.Deserialize<List<StageTiming>>(run.Stages, JsonSerializerOptions.Web) ?? [],
            JsonSerializer.Deserialize<Dictionary<string, string>>(run.Parameters) ?? [],
            run.WatermarkAuditSequence is { } w ? new ReportWatermark(w, run.WatermarkAlertId, run.WatermarkEventId) : null, artifact, run.ScheduleId, deliveries, run.RowCount);
    }

    public static ResolvedParameters ParametersOf(ReportRun run)
    {
        var all = JsonSerializer.Deserialize<Dictionary<string, string>>(run.Parameters) ?? [];
        var from = DateTimeOffset.Parse(all["from"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var to = DateTimeOffset.Parse(all["to"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var filters = all.Where(p => p.Key is not ("period" or "from" or "to")).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return new ResolvedParameters(from, to, all.GetValueOrDefault("period") ?? ReportPeriods.Custom, filters);
    }
}

/// <summary>An artifact handed out for download: what it is, and its bytes as a stream the caller disposes.</summary>
public sealed record ArtifactDownload(ReportArtifact Artifact, Stream Content);
