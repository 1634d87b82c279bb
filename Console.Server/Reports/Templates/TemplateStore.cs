using System.Security.Cryptography;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Templates;

/// <summary>What a run will render: the type, the title, the pinned version and its source.</summary>
public sealed record ResolvedTemplate(string Template, ReportTypeInfo Type, string Title, int Version, string Source);

/// <summary>Outcomes of template operations that are not plain success.</summary>
public enum TemplateOutcome { Ok, NotFound, Invalid, Conflict }

/// <summary>
/// Custom templates: drafts, immutable published versions, diffs between any two, roll-back by publishing an old
/// version again. Every change is audited with who and why, in the same save as the change.
/// </summary>
public sealed class TemplateStore(ConsoleDbContext db, AuditTrail audit, TemplateValidator validator, Caching.ReportCache cache, TimeProvider clock)
{
    /// <summary>The template and version a run names; problems are named 'template' or 'version'.</summary>
    public async Task<ResolvedTemplate?> ResolveAsync(string template, int? version, Validator v, CancellationToken ct)
    {
        if (ReportTypes.Find(template) is { } builtIn)
        {
            if (version is { } asked && asked != BuiltInTemplates.Version)
            {
                v.Add("version", $"The built-in {template} report has version {BuiltInTemplates.Version} only; version {asked} does not exist.");
                return null;
            }
            return new ResolvedTemplate(template, builtIn, builtIn.Title, BuiltInTemplates.Version, BuiltInTemplates.Source(template));
        }
        // A custom template's published version, from the cache when a node has read it (a publish drops it everywhere).
        var cacheKey = $"{template}:{version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "latest"}";
        if (Guid.TryParse(template, out _) && await cache.TryGetAsync<ResolvedTemplate>(Caching.ReportCache.Templates, cacheKey, ct) is { } cached)
        {
            return cached;
        }
        if (!Guid.TryParse(template, out var id) || await db.Set<ReportTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) is not { } row)
        {
            v.Add("template", $"No such report: give a built-in ({string.Join(", ", ReportTypes.All.Select(t => t.Id))}) or a custom template's id.");
            return null;
        }
        var pinned = version ?? row.PublishedVersion;
        if (pinned is null)
        {
            v.Add("version", "This template has no published version yet: publish one, or preview the draft.");
            return null;
        }
        var found = await db.Set<ReportTemplateVersion>().AsNoTracking().FirstOrDefaultAsync(x => x.TemplateId == id && x.Version == pinned, ct);
        if (found is null || found.State != TemplateVersionStates.Published)
        {
            v.Add("version", found is null ? $"Version {pinned} of this template does not exist." : $"Version {pinned} is a draft; only published versions run.");
            return null;
        }
        var resolved = new ResolvedTemplate(template, ReportTypes.Find(row.Type)!, row.Name, found.Version, found.Source);
        await cache.SetAsync(Caching.ReportCache.Templates, cacheKey, resolved, [Caching.ReportCache.TemplateTag(template)], ct);
        return resolved;
    }

    public async Task<(TemplateOutcome, TemplateView?, TemplateValidation?)> CreateAsync(CreateTemplateRequest request, string userId, CancellationToken ct)
    {
        var check = validator.Validate(request.Type, request.Source);
        if (!check.Valid)
        {
            return (TemplateOutcome.Invalid, null, check);
        }
        var now = clock.GetUtcNow();
        var row = new ReportTemplate { Id = Guid.NewGuid(), Name = request.Name.Trim(), Type = request.Type, CreatedBy = userId, CreatedAt = now, UpdatedAt = now, LatestVersion = 1 };
        db.Add(row);
        db.Add(NewVersion(row.Id, 1, request.Source, userId, request.Note, now));
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ReportTemplateCreated, "report_template", row.Id.ToString(),
            Data: new { name = row.Name, type = row.Type, version = 1, sha256 = Sha256(request.Source), why = request.Note }));
        await db.SaveChangesAsync(ct);
        return (TemplateOutcome.Ok, await ViewAsync(row.Id, true, ct), null);
    }

    /// <summary>Saves source as the draft: edits the latest version if it is a draft, else starts a new draft version.</summary>
    public async Task<(TemplateOutcome, TemplateView?, TemplateValidation?)> SaveDraftAsync(Guid id, int? version, SaveDraftRequest request, string userId, CancellationToken ct)
    {
        var row = await db.Set<ReportTemplate>().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (row is null)
        {
            return (TemplateOutcome.NotFound, null, null);
        }
        var check = validator.Validate(row.Type, request.Source);
        if (!check.Valid)
        {
            return (TemplateOutcome.Invalid, null, check);
        }
        var now = clock.GetUtcNow();
        var latest = await db.Set<ReportTemplateVersion>().FirstAsync(x => x.TemplateId == id && x.Version == row.LatestVersion, ct);
        if (version is { } v)
        {
            // Editing a named version: a published one never changes (409); only the latest draft is editable.
            var target = await db.Set<ReportTemplateVersion>().FirstOrDefaultAsync(x => x.TemplateId == id && x.Version == v, ct);
            if (target is null)
            {
                return (TemplateOutcome.NotFound, null, null);
            }
            if (target.State == TemplateVersionStates.Published)
            {
                return (TemplateOutcome.Conflict, null, null);
            }
            latest = target;
        }
        int saved;
        if (latest.State == TemplateVersionStates.Draft)
        {
            latest.Source = request.Source;
            latest.Sha256 = Sha256(request.Source);
            latest.SavedAt = now;
            latest.SavedBy = userId;
            latest.Note = request.Note;
            saved = latest.Version;
        }
        else
        {
            saved = row.LatestVersion + 1;
            db.Add(NewVersion(id, saved, request.Source, userId, request.Note, now));
            row.LatestVersion = saved;
        }
        row.UpdatedAt = now;
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ReportTemplateDraftSaved, "report_template", id.ToString(),
            Data: new { version = saved, sha256 = Sha256(request.Source), why = request.Note }));
        await db.SaveChangesAsync(ct);
        return (TemplateOutcome.Ok, await ViewAsync(id, true, ct), null);
    }

    /// <summary>Publishes a version: the draft (it becomes immutable) or an older published one again (a roll-back).</summary>
    public async Task<(TemplateOutcome, TemplateView?, string?)> PublishAsync(Guid id, PublishTemplateRequest request, string userId, CancellationToken ct)
    {
        var row = await db.Set<ReportTemplate>().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (row is null)
        {
            return (TemplateOutcome.NotFound, null, null);
        }
        var version = await db.Set<ReportTemplateVersion>().FirstOrDefaultAsync(x => x.TemplateId == id && x.Version == request.Version, ct);
        if (version is null)
        {
            return (TemplateOutcome.Invalid, null, $"Version {request.Version} of this template does not exist.");
        }
        var now = clock.GetUtcNow();
        var previous = row.PublishedVersion;
        if (version.State == TemplateVersionStates.Draft)
        {
            version.State = TemplateVersionStates.Published;
            version.PublishedAt = now;
            version.PublishedBy = userId;
        }
        row.PublishedVersion = version.Version;
        row.UpdatedAt = now;
        audit.Record(new AuditEvent(AuditCategories.Admin, previous > version.Version ? AuditActions.ReportTemplateRolledBack : AuditActions.ReportTemplatePublished,
            "report_template", id.ToString(), Data: new { version = version.Version, previous, sha256 = version.Sha256, why = request.Reason }));
        await db.SaveChangesAsync(ct);
        // Every node stops using what it cached of this template (the latest version, data, artifacts) within a second.
        await cache.InvalidateTemplateAsync(id.ToString(), ct);
        return (TemplateOutcome.Ok, await ViewAsync(id, true, ct), null);
    }

    public async Task<TemplateDiff?> DiffAsync(Guid id, int from, int to, Validator v, CancellationToken ct)
    {
        var versions = await db.Set<ReportTemplateVersion>().AsNoTracking().Where(x => x.TemplateId == id && (x.Version == from || x.Version == to)).ToListAsync(ct);
        var a = versions.FirstOrDefault(x => x.Version == from);
        var b = versions.FirstOrDefault(x => x.Version == to);
        if (a is null)
        {
            v.Add("from", $"Version {from} of this template does not exist.");
        }
        if (b is null)
        {
            v.Add("to", $"Version {to} of this template does not exist.");
        }
        if (a is null || b is null)
        {
            return null;
        }
        var model = InlineDiffBuilder.Diff(a.Source, b.Source, ignoreWhiteSpace: false);
        int oldLine = 0, newLine = 0;
        var lines = new List<TemplateDiffLine>();
        foreach (var line in model.Lines)
        {
            switch (line.Type)
            {
                case ChangeType.Inserted:
                    lines.Add(new TemplateDiffLine("added", null, ++newLine, line.Text));
                    break;
                case ChangeType.Deleted:
                    lines.Add(new TemplateDiffLine("removed", ++oldLine, null, line.Text));
                    break;
                default:
                    lines.Add(new TemplateDiffLine("same", ++oldLine, ++newLine, line.Text));
                    break;
            }
        }
        return new TemplateDiff(from, to, lines.Count(l => l.Kind == "added"), lines.Count(l => l.Kind == "removed"), lines);
    }

    public async Task<List<TemplateView>> ListAsync(CancellationToken ct)
    {
        var ids = await db.Set<ReportTemplate>().AsNoTracking().OrderBy(t => t.Name).Select(t => t.Id).ToListAsync(ct);
        var views = new List<TemplateView>();
        foreach (var id in ids)
        {
            views.Add((await ViewAsync(id, false, ct))!);
        }
        return views;
    }

    public async Task<TemplateView?> ViewAsync(Guid id, bool withSource, CancellationToken ct)
    {
        var row = await db.Set<ReportTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
        if (row is null)
        {
            return null;
        }
        var versions = await db.Set<ReportTemplateVersion>().AsNoTracking().Where(x => x.TemplateId == id).OrderByDescending(x => x.Version).ToListAsync(ct);
        return new TemplateView(row.Id, row.Name, row.Type, row.PublishedVersion, row.LatestVersion, row.CreatedBy, row.UpdatedAt,
            [.. versions.Select(x => new TemplateVersionView(x.Version, x.State, x.Sha256, x.SavedAt, x.SavedBy, x.Note, x.PublishedAt, x.PublishedBy,
                withSource ? x.Source : null))]);
    }

    private static ReportTemplateVersion NewVersion(Guid id, int version, string source, string userId, string? note, DateTimeOffset now) => new()
    {
        TemplateId = id, Version = version, Source = source, Sha256 = Sha256(source), State = TemplateVersionStates.Draft, SavedAt = now, SavedBy = userId, Note = note,
    };

    public static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
