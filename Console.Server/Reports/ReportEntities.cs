using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Reports;

// The feature's tables. They are reached through db.Set<T>() rather than DbSet properties on ConsoleDbContext, so that
// the feature stays in its folder; the configurations below are picked up by ApplyConfigurationsFromAssembly.

/// <summary>A custom template: a name, the report type whose data it renders, and which version runs by default.</summary>
public sealed class ReportTemplate
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Type { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int? PublishedVersion { get; set; }
    public int LatestVersion { get; set; }
}

/// <summary>One version of a template's source: a draft (editable) or published (immutable for ever).</summary>
public sealed class ReportTemplateVersion
{
    public Guid TemplateId { get; set; }
    public int Version { get; set; }
    public required string Source { get; set; }
    public required string Sha256 { get; set; }
    public required string State { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public required string SavedBy { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
}

/// <summary>One run of a report: what it ran (template, pinned version, resolved parameters), for whom, and how it went.</summary>
public sealed class ReportRun
{
    public Guid Id { get; set; }
    public required string Template { get; set; }
    public required string Type { get; set; }
    public required string Title { get; set; }
    public int Version { get; set; }
    public required string Format { get; set; }

    /// <summary>The resolved parameters as JSON (the period as absolute from/to, never a preset alone).</summary>
    public required string Parameters { get; set; }
    public required string OwnerUserId { get; set; }
    public required string Status { get; set; }
    public string? Stage { get; set; }
    public int Percent { get; set; }
    public string? FailureReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Per-stage timings as JSON (<c>[{"stage":"querying","milliseconds":12.5}]</c>).</summary>
    public string? Stages { get; set; }
    public long? WatermarkAuditSequence { get; set; }
    public long? WatermarkAlertId { get; set; }
    public long? WatermarkEventId { get; set; }
    public Guid? ScheduleId { get; set; }
    public bool CancelRequested { get; set; }

    /// <summary>How many rows the report's data held (alerts, keys, entries, users); 0 is an empty report (send-if-empty).</summary>
    public long? RowCount { get; set; }
}

/// <summary>A run's output with its hashes; <see cref="AuditSequence"/> is the report.generated entry that vouches for it.</summary>
public sealed class ReportArtifact
{
    public Guid RunId { get; set; }
    public required string Format { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required string DataSha256 { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public long? AuditSequence { get; set; }
}

/// <summary>
/// One piece of an artifact's bytes, in order by <see cref="Index"/> (ADR 0185): artifacts are stored in pieces of
/// <c>ArtifactContent.ChunkBytes</c> so that a large one is written and read as a stream on both providers. An artifact
/// stored before that keeps its bytes in <see cref="ReportArtifact.Content"/> and has no pieces.
/// </summary>
public sealed class ReportArtifactChunk
{
    public Guid RunId { get; set; }
    public int Index { get; set; }
    public required byte[] Data { get; set; }
}

/// <summary>A cron schedule in a time zone that runs a report for its owner and delivers it.</summary>
public sealed class ReportSchedule
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Template { get; set; }
    public int? Version { get; set; }
    public required string Format { get; set; }
    public required string Parameters { get; set; }
    public required string Cron { get; set; }
    public required string TimeZone { get; set; }
    public required string OwnerUserId { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>Where to deliver, as JSON (mail addresses, webhook URL, in-app); the webhook secret is kept protected.</summary>
    public required string Delivery { get; set; }
    public bool SendIfEmpty { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastFiredAt { get; set; }
    public DateTimeOffset? NextRunAt { get; set; }
}

/// <summary>One attempt to deliver a run on one channel.</summary>
public sealed class ReportDelivery
{
    public long Id { get; set; }
    public Guid RunId { get; set; }
    public required string Channel { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset At { get; set; }
    public bool Succeeded { get; set; }

    /// <summary>Not attempted on purpose: the report was empty and its schedule does not send empty reports.</summary>
    public bool Skipped { get; set; }
    public string? Error { get; set; }
}

internal sealed class ReportEntityConfiguration :
    IEntityTypeConfiguration<ReportTemplate>, IEntityTypeConfiguration<ReportTemplateVersion>, IEntityTypeConfiguration<ReportRun>,
    IEntityTypeConfiguration<ReportArtifact>, IEntityTypeConfiguration<ReportArtifactChunk>, IEntityTypeConfiguration<ReportSchedule>,
    IEntityTypeConfiguration<ReportDelivery>
{
    public void Configure(EntityTypeBuilder<ReportTemplate> b)
    {
        b.ToTable("report_templates");
        b.HasKey(t => t.Id);
        b.Property(t => t.Name).HasMaxLength(120);
        b.Property(t => t.Type).HasMaxLength(32);
        b.Property(t => t.CreatedBy).HasMaxLength(450);
    }

    public void Configure(EntityTypeBuilder<ReportTemplateVersion> b)
    {
        b.ToTable("report_template_versions");
        b.HasKey(v => new { v.TemplateId, v.Version });
        b.Property(v => v.Sha256).HasMaxLength(64);
        b.Property(v => v.State).HasMaxLength(16);
        b.Property(v => v.SavedBy).HasMaxLength(450);
        b.Property(v => v.PublishedBy).HasMaxLength(450);
        b.Property(v => v.Note).HasMaxLength(500);
    }

    public void Configure(EntityTypeBuilder<ReportRun> b)
    {
        b.ToTable("report_runs");
        b.HasKey(r => r.Id);
        b.Property(r => r.Template).HasMaxLength(64);
        b.Property(r => r.Type).HasMaxLength(32);
        b.Property(r => r.Title).HasMaxLength(160);
        b.Property(r => r.Format).HasMaxLength(8);
        b.Property(r => r.OwnerUserId).HasMaxLength(450);
        b.Property(r => r.Status).HasMaxLength(16);
        b.Property(r => r.Stage).HasMaxLength(16);
        b.Property(r => r.FailureReason).HasMaxLength(1000);
        b.HasIndex(r => new { r.OwnerUserId, r.CreatedAt });
        b.HasIndex(r => new { r.Status, r.CreatedAt });
    }

    public void Configure(EntityTypeBuilder<ReportArtifact> b)
    {
        b.ToTable("report_artifacts");
        b.HasKey(a => a.RunId);
        b.Property(a => a.Format).HasMaxLength(8);
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(64);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.DataSha256).HasMaxLength(64);
        b.HasIndex(a => a.ExpiresAt);
    }

    public void Configure(EntityTypeBuilder<ReportArtifactChunk> b)
    {
        b.ToTable("report_artifact_chunks");
        b.HasKey(c => new { c.RunId, c.Index });
        b.HasOne<ReportArtifact>().WithMany().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ReportSchedule> b)
    {
        b.ToTable("report_schedules");
        b.HasKey(s => s.Id);
        b.Property(s => s.Name).HasMaxLength(120);
        b.Property(s => s.Template).HasMaxLength(64);
        b.Property(s => s.Format).HasMaxLength(8);
        b.Property(s => s.Cron).HasMaxLength(120);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.Property(s => s.OwnerUserId).HasMaxLength(450);
        b.HasIndex(s => new { s.Enabled, s.NextRunAt });
    }

    public void Configure(EntityTypeBuilder<ReportDelivery> b)
    {
        b.ToTable("report_deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.Channel).HasMaxLength(16);
        b.Property(d => d.Error).HasMaxLength(1000);
        b.HasIndex(d => d.RunId);
    }
}
