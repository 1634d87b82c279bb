using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Reports.Caching;
using SecurityConsole.Server.Reports.Data;
using SecurityConsole.Server.Reports.Output;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Runs;

/// <summary>
/// Runs one report as a Hangfire job on the 'reports' queue (its own workers: rendering cannot take the workers other jobs
/// need). Checks the owner's permissions again, reads the data, renders, prints, stores the artifact with its hashes and
/// watermark and the report.generated audit entry, and reports each stage live. A run past the time limit, or cancelled,
/// ends with that reason.
/// </summary>
public sealed class ReportRunner(
    ConsoleDbContext db, Caller caller, AuditTrail audit, TemplateStore templates, TemplateEngine engine, ReportDataSource data,
    UserReportQueries users, AuditReportQueries auditHead, AlertReportQueries alertHead, PdfPrinter pdf, ReportProgressNotifier progress, ReportCache cache,
    ReportWork work, ArtifactContent artifactContent, IServiceScopeFactory scopes, IBackgroundJobClient jobs, IOptions<ReportsOptions> options, TimeProvider clock, ILogger<ReportRunner> logger)
{
    public const string Queue = "reports";

    [Queue(Queue)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid runId, CancellationToken jobCancelled)
    {
        caller.ActAs(Actor.System("reports"));
        var run = await db.Set<ReportRun>().FirstOrDefaultAsync(r => r.Id == runId, jobCancelled);
        if (run is null || ReportRunStatuses.IsFinished(run.Status))
        {
            return;
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(jobCancelled);
        limit.CancelAfter(options.Value.RunTimeout);
        using var watcher = WatchForCancel(runId, limit);
        var stages = new List<StageTiming>();
        run.Status = ReportRunStatuses.Running;
        run.StartedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(CancellationToken.None);
        try
        {
            await ExecuteAsync(run, stages, limit.Token);
            run.Status = ReportRunStatuses.Succeeded;
            run.Percent = 100;
            run.Stage = null;
        }
        catch (OperationCanceledException) when (!jobCancelled.IsCancellationRequested)
        {
            var cancelled = await db.Set<ReportRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => r.CancelRequested).FirstAsync(CancellationToken.None);
            run.Status = cancelled ? ReportRunStatuses.Cancelled : ReportRunStatuses.Failed;
            run.FailureReason = cancelled
                ? "Cancelled by its owner."
                : $"The run took longer than {options.Value.RunTimeout.TotalSeconds:N0} seconds, the time limit, and was stopped during {run.Stage ?? "start"}.";
        }
        catch (ReportFailedException ex)
        {
            run.Status = ReportRunStatuses.Failed;
            run.FailureReason = ex.Message;
        }
        catch (TemplateFailedException ex)
        {
            run.Status = ReportRunStatuses.Failed;
            run.FailureReason = ex.Message;
        }
        catch (Exception ex) when (!jobCancelled.IsCancellationRequested)
        {
            logger.LogError(ex, "Report run {RunId} failed", runId);
            run.Status = ReportRunStatuses.Failed;
            run.FailureReason = $"The run failed unexpectedly ({ex.GetType().Name}); the error is in the server log under run {runId}.";
        }
        run.FinishedAt = clock.GetUtcNow();
        run.Stages = JsonSerializer.Serialize(stages, JsonSerializerOptions.Web);
        db.ChangeTracker.Entries<ReportArtifact>().Where(e => e.State == EntityState.Added && run.Status != ReportRunStatuses.Succeeded).ToList()
            .ForEach(e => e.State = EntityState.Detached);
        await db.SaveChangesAsync(CancellationToken.None);
        await progress.SendAsync(run.OwnerUserId, new ReportProgress(run.Id, run.Status, run.Stage, run.Percent, run.FailureReason));
        if (run.ScheduleId is not null && run.Status != ReportRunStatuses.Cancelled)
        {
            // A scheduled run is delivered whether it succeeded or failed: a report that did not come is news too.
            jobs.Enqueue<Delivery.ReportDeliveryJob>(d => d.DeliverAllAsync(run.Id, CancellationToken.None));
        }
    }

    private async Task ExecuteAsync(ReportRun run, List<StageTiming> stages, CancellationToken ct)
    {
        var owner = await OwnerAsync(run, ct);
        var v = new Validator();
        var template = await templates.ResolveAsync(run.Template, run.Version, v, ct)
            ?? throw new ReportFailedException($"The template is no longer runnable: {string.Join(" ", v.Errors.SelectMany(e => e.Value))}");
        var parameters = ReportRuns.ParametersOf(run);

        await StageAsync(run, ReportStages.Querying, 10, stages, ct);
        var watch = Stopwatch.StartNew();
        await WatermarkAsync(run, ct);
        var csv = run.Format == ReportFormats.Csv;
        var maxRows = MaxRows(run);
        // Closed periods of types whose data changes only with an audited change are cached (data and artifact), keyed by
        // what they were made from; anything else is read afresh every time.
        (string Data, string Artifact)? keys = Cacheable(template.Type.Id, parameters) ? await CacheKeysAsync(run, template, parameters, owner, maxRows, ct) : null;
        if (keys is not null && await cache.TryGetAsync<CachedArtifact>(ReportCache.Artifacts, keys.Value.Artifact, ct) is { } hit)
        {
            run.RowCount = hit.RowCount;
            stages.Add(new StageTiming(ReportStages.Querying, watch.Elapsed.TotalMilliseconds));
            await cache.SetAsync(ReportCache.Contents, await StoreAsync(run, template, hit.Content, hit.DataSha256, ct), hit, [], ct, localOnly: true);
            return;
        }
        ReportModel? model = csv && template.Type.Id == ReportTypes.AuditExtract
            ? null
            : keys is { } k
                ? await cache.GetOrCreateAsync(ReportCache.Data, k.Data, [ReportCache.TemplateTag(template.Template)],
                    token => new ValueTask<ReportModel>(data.BuildAsync(template.Type, template.Template, template.Version, template.Title, parameters, owner, maxRows, token)), ct)
                : await data.BuildAsync(template.Type, template.Template, template.Version, template.Title, parameters, owner, maxRows, ct);
        stages.Add(new StageTiming(ReportStages.Querying, watch.Elapsed.TotalMilliseconds));

        await StageAsync(run, ReportStages.Rendering, 40, stages, ct);
        watch.Restart();
        byte[] content;
        string dataHash;
        string? html = null;
        FileStream? streamed = null;
        await using var file = csv
            ? new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose)
            : null;
        if (file is not null)
        {
            var audited = model is null ? Rows(data.AuditEntriesAsync(parameters, owner, ct)) : null;
            run.RowCount = await ReportCsv.WriteAsync(file, template.Type, model, audited, ct);
            file.Position = 0;
            if (file.Length <= MaxCachedArtifactBytes)
            {
                content = new byte[file.Length];
                await file.ReadExactlyAsync(content, ct);
                dataHash = Sha256(content);
            }
            else
            {
                // A large CSV stays in its file: hashed from it, and stored from it as a stream (ADR 0185).
                streamed = file;
                content = [];
                dataHash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
                file.Position = 0;
            }
        }
        else
        {
            run.RowCount = RowCount(model!);
            html = await RenderHtmlAsync(template, model!, ct);
            content = Encoding.UTF8.GetBytes(html);
            dataHash = await work.RunAsync(() => DataHash(model!), ct);
        }
        stages.Add(new StageTiming(ReportStages.Rendering, watch.Elapsed.TotalMilliseconds));

        if (run.Format == ReportFormats.Pdf)
        {
            await StageAsync(run, ReportStages.Pdf, 70, stages, ct);
            watch.Restart();
            if (pdf.Unavailable is { } why)
            {
                throw new ReportFailedException(why);
            }
            content = await pdf.PrintAsync(html!, ct);
            stages.Add(new StageTiming(ReportStages.Pdf, watch.Elapsed.TotalMilliseconds));
        }
        var cached = keys is not null && streamed is null && content.Length <= MaxCachedArtifactBytes ? new CachedArtifact(content, dataHash, run.RowCount ?? 0) : null;
        if (cached is not null)
        {
            await cache.SetAsync(ReportCache.Artifacts, keys!.Value.Artifact, cached, [ReportCache.TemplateTag(template.Template)], ct);
        }
        var sha256 = streamed is null
            ? await StoreAsync(run, template, content, dataHash, ct)
            : await StoreAsync(run, template, streamed, dataHash, dataHash, ct);
        if (cached is not null)
        {
            await cache.SetAsync(ReportCache.Contents, sha256, cached, [], ct, localOnly: true);
        }
    }

    /// <summary>
    /// Finishes a run just asked for from the artifact cache, at once and without the queue (ADR 0100): when its owner
    /// still may run it, its period is closed, and an artifact made from the same template, parameters, data watermark,
    /// format and renderer version is cached. It then stores the artifact, writes report.generated with the version it
    /// pins, and ends succeeded with only the querying stage, like a cache hit on the queue. False, with nothing
    /// changed, otherwise: the run is then queued as usual and the job says why it cannot run, if it cannot.
    /// </summary>
    public async Task<bool> TryServeFromCacheAsync(Guid runId, CancellationToken ct)
    {
        caller.ActAs(Actor.System("reports"));
        var run = await db.Set<ReportRun>().FirstOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null || run.Status != ReportRunStatuses.Queued || run.CancelRequested)
        {
            return false;
        }
        var started = clock.GetUtcNow();
        var watch = Stopwatch.StartNew();
        ReportOwner owner;
        try
        {
            owner = await OwnerAsync(run, ct);
        }
        catch (ReportFailedException)
        {
            return false;
        }
        var parameters = ReportRuns.ParametersOf(run);
        if (!Cacheable(run.Type, parameters) || await templates.ResolveAsync(run.Template, run.Version, new Validator(), ct) is not { } template)
        {
            return false;
        }
        await WatermarkAsync(run, ct);
        var keys = await CacheKeysAsync(run, template, parameters, owner, MaxRows(run), ct);
        if (await cache.TryGetAsync<CachedArtifact>(ReportCache.Artifacts, keys.Artifact, ct) is not { } hit)
        {
            return false;
        }
        run.Status = ReportRunStatuses.Succeeded;
        run.StartedAt = started;
        run.Percent = 100;
        run.Stage = null;
        run.RowCount = hit.RowCount;
        run.Stages = JsonSerializer.Serialize(new List<StageTiming> { new(ReportStages.Querying, watch.Elapsed.TotalMilliseconds) }, JsonSerializerOptions.Web);
        // The run's end, its artifact and report.generated in one transaction; from here on a cancelled request stops nothing.
        string sha256;
        await using (var tx = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            sha256 = await StoreAsync(run, template, hit.Content, hit.DataSha256, CancellationToken.None, () => run.FinishedAt = clock.GetUtcNow());
            await tx.CommitAsync(CancellationToken.None);
        }
        // Its download then sends these bytes without reading them back from the database.
        await cache.SetAsync(ReportCache.Contents, sha256, hit, [], CancellationToken.None, localOnly: true);
        await progress.SendAsync(run.OwnerUserId, new ReportProgress(run.Id, run.Status, run.Stage, run.Percent, null));
        return true;
    }

    private async Task WatermarkAsync(ReportRun run, CancellationToken ct)
    {
        run.WatermarkAuditSequence = await auditHead.HeadSequenceAsync(ct);
        run.WatermarkAlertId = await alertHead.NewestAlertIdAsync(ct);
        run.WatermarkEventId = await alertHead.NewestEventIdAsync(ct);
    }

    private int MaxRows(ReportRun run) => run.Format == ReportFormats.Csv ? int.MaxValue : options.Value.MaxRows;

    /// <summary>Artifacts larger than this (a big CSV) are not cached: they would crowd out everything else.</summary>
    public const int MaxCachedArtifactBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Whether a run may come from the cache: its period is over, and its type's data changes only with a change the audit
    /// trail records (alerts, audit entries, compliance status changes). Key inventory (last use is not audited) and the
    /// access review (people as they are now) are always read afresh.
    /// </summary>
    public bool Cacheable(string type, ResolvedParameters p) =>
        p.To <= clock.GetUtcNow() && type is ReportTypes.SecuritySummary or ReportTypes.AlertTriage or ReportTypes.AuditExtract or ReportTypes.CompliancePosture;

    /// <summary>
    /// The data key: type, template, version and title, resolved parameters, whether personal data is masked, the row cap
    /// and the data watermark (the newest non-report audit entry, alert and event). The artifact key adds the template's
    /// source hash, the format and the renderer version.
    /// </summary>
    private async Task<(string Data, string Artifact)> CacheKeysAsync(ReportRun run, ResolvedTemplate template, ResolvedParameters p, ReportOwner owner, int maxRows, CancellationToken ct)
    {
        var watermark = new { audit = await auditHead.NewestDataSequenceAsync(ct), alert = run.WatermarkAlertId, @event = run.WatermarkEventId };
        var data = new
        {
            type = template.Type.Id, template = template.Template, version = template.Version, title = template.Title,
            from = p.From, to = p.To, period = p.Period, filters = p.Filters, masked = !owner.MayReadPersonalData, maxRows, watermark,
        };
        var dataKey = Sha256(JsonSerializer.SerializeToUtf8Bytes(data, JsonSerializerOptions.Web));
        var artifactKey = Sha256(JsonSerializer.SerializeToUtf8Bytes(new { dataKey, source = TemplateStore.Sha256(template.Source), format = run.Format, renderer = ReportCache.RendererVersion },
            JsonSerializerOptions.Web));
        return (dataKey, artifactKey);
    }

    public async Task<string> RenderHtmlAsync(ResolvedTemplate template, ReportModel model, CancellationToken ct)
    {
        // Parsed templates are kept by source hash in this process only (a parsed template is code, not data).
        var parsed = await cache.GetOrCreateAsync(ReportCache.Parsed, TemplateStore.Sha256(template.Source), [], _ =>
        {
            var (tree, error) = engine.Parse(template.Source);
            return ValueTask.FromResult(new ParsedTemplate(tree,
                error is null ? null : $"The template does not parse: {error.Message} (line {error.Line}, column {error.Column})."));
        }, ct, localOnly: true);
        if (parsed.Tree is null)
        {
            throw new TemplateFailedException(parsed.Error!);
        }
        return ReportDocument.Wrap(template.Title, await engine.RenderAsync(parsed.Tree, model, ct));
    }

    /// <summary>The owner's permissions now, not when the run was asked for: a lost permission fails the run, saying which.</summary>
    private async Task<ReportOwner> OwnerAsync(ReportRun run, CancellationToken ct)
    {
        var roles = await users.RolesOfAsync(run.OwnerUserId, ct) ?? throw new ReportFailedException("The run's owner no longer exists.");
        var permissions = Roles.PermissionsOf(roles);
        if (!permissions.Contains(Permissions.ReportsRead))
        {
            throw new ReportFailedException($"The run's owner no longer holds {Permissions.ReportsRead}.");
        }
        var type = ReportTypes.Find(run.Type)!;
        if (!permissions.Contains(type.Needs))
        {
            throw new ReportFailedException($"The run's owner no longer holds {type.Needs}, which a {type.Title.ToLowerInvariant()} report reads.");
        }
        return new ReportOwner(run.OwnerUserId, permissions);
    }

    /// <summary>Stores the artifact with its report.generated entry; returns its SHA-256.</summary>
    private Task<string> StoreAsync(ReportRun run, ResolvedTemplate template, byte[] content, string dataHash, CancellationToken ct, Action? beforeLastSave = null) =>
        StoreAsync(run, template, new MemoryStream(content, writable: false), Sha256(content), dataHash, ct, beforeLastSave);

    /// <summary>
    /// Stores the artifact: its row and report.generated (with the hashes that vouch for it), then its bytes from
    /// <paramref name="content"/> as a stream, in pieces (ADR 0185), all in one transaction (the caller's, if it has one).
    /// </summary>
    private async Task<string> StoreAsync(ReportRun run, ResolvedTemplate template, Stream content, string sha256, string dataHash, CancellationToken ct,
        Action? beforeLastSave = null)
    {
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var now = clock.GetUtcNow();
        var artifact = new ReportArtifact
        {
            RunId = run.Id, Format = run.Format, FileName = FileName(run), ContentType = ContentType(run.Format), Content = [],
            Size = content.Length - content.Position, Sha256 = sha256, DataSha256 = dataHash, CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.ArtifactRetentionDays),
        };
        db.Add(artifact);
        var entry = audit.Record(Generated(run, template, artifact));
        await db.SaveChangesAsync(ct);
        await artifactContent.WriteAsync(run.Id, content, ct);
        artifact.AuditSequence = entry.Sequence;
        beforeLastSave?.Invoke();
        await db.SaveChangesAsync(ct);
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
        return artifact.Sha256;
    }

    private static AuditEvent Generated(ReportRun run, ResolvedTemplate template, ReportArtifact artifact) =>
        new(AuditCategories.Audit, AuditActions.ReportGenerated, "report_run", run.Id.ToString(), Data: new
        {
            sha256 = artifact.Sha256, dataSha256 = artifact.DataSha256, format = run.Format, template = template.Template, version = template.Version,
            owner = run.OwnerUserId, parameters = ReportRuns.ParametersOf(run).ToDictionary(),
            watermark = new { auditSequence = run.WatermarkAuditSequence, alertId = run.WatermarkAlertId, eventId = run.WatermarkEventId },
        });

    private async Task StageAsync(ReportRun run, string stage, int percent, List<StageTiming> stages, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        run.Stage = stage;
        run.Percent = percent;
        run.Stages = JsonSerializer.Serialize(stages, JsonSerializerOptions.Web);
        await db.SaveChangesAsync(ct);
        await progress.SendAsync(run.OwnerUserId, new ReportProgress(run.Id, run.Status, stage, percent, null));
    }

    /// <summary>Polls the cancel flag each second (a cancel may arrive on any node) and ends the run's token when it is set.</summary>
    private IDisposable WatchForCancel(Guid runId, CancellationTokenSource cts)
    {
        return new Timer(_ =>
        {
            try
            {
                using var scope = scopes.CreateScope();
                var flagged = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().Set<ReportRun>().Any(r => r.Id == runId && r.CancelRequested);
                if (flagged)
                {
                    cts.Cancel();
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The database may be briefly unavailable; the next tick asks again.
            }
        }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private static async IAsyncEnumerable<AuditRow> Rows(IAsyncEnumerable<AuditExportRow> entries)
    {
        await foreach (var e in entries)
        {
            yield return ReportDataSource.Row(e);
        }
    }

    /// <summary>The size of the report's data set, whatever the template shows of it: 0 means there was nothing to report.</summary>
    public static long RowCount(ReportModel model) =>
        model.Summary?.AlertCount ?? model.Keys?.KeyCount ?? model.Audit?.EntryCount ?? (model.Triage is { } t ? t.OpenCount + t.ClosedCount : (long?)null)
        ?? model.Access?.UserCount ?? model.Posture?.RequirementCount ?? 0;

    public static string DataHash(ReportModel model) => Sha256(JsonSerializer.SerializeToUtf8Bytes(model, JsonSerializerOptions.Web));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static string FileName(ReportRun run) => $"{run.Type}-{run.CreatedAt.UtcDateTime:yyyyMMdd-HHmmss}-{run.Id.ToString()[..8]}.{run.Format}";

    public static string ContentType(string format) => format switch
    {
        ReportFormats.Pdf => "application/pdf",
        ReportFormats.Csv => "text/csv",
        _ => "text/html",
    };
}

/// <summary>
/// A finished artifact as the cache keeps it, with the hash of the data it was made from. Shared as is, never changed
/// (its bytes are only stored and sent): the memory tier hands out this instance rather than a copy deserialized on every hit.
/// </summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record CachedArtifact(byte[] Content, string DataSha256, long RowCount);

/// <summary>A parsed template (or why it does not parse), shared as is: never changed once parsed.</summary>
[System.ComponentModel.ImmutableObject(true)]
public sealed record ParsedTemplate(Fluid.IFluidTemplate? Tree, string? Error);

/// <summary>A run that cannot go on, with the reason its owner reads on the run page.</summary>
public sealed class ReportFailedException(string message) : Exception(message);
