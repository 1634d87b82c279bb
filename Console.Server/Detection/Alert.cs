using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Detection;

/// <summary>An alert: one rule's finding about one entity, with the detections grouped into it.</summary>
public sealed class Alert
{
    public long Id { get; set; }
    public required string RuleId { get; set; }
    public required string Severity { get; set; }
    public required string Status { get; set; }
    public required string EntityKind { get; set; }
    public required string EntityId { get; set; }
    public required string Title { get; set; }

    /// <summary>The evidence behind the title, in a sentence: the last attempt, the learned baseline.</summary>
    public string? Summary { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public int Count { get; set; }
    public string? AssigneeUserId { get; set; }

    /// <summary>Evidence as JSON: counts, the baseline, the network, the last event's id.</summary>
    public string? Details { get; set; }
    public int NoteCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }
    public int Version { get; set; }
}

public sealed class AlertNote
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public required string AuthorUserId { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One detection grouped into an alert: when the rule fired, and what it said then.</summary>
public sealed class AlertOccurrence
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Title { get; set; }

    /// <summary>The event that tipped the rule; it may have left the events table under retention since.</summary>
    public long EventId { get; set; }
}

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> b)
    {
        b.ToTable("alerts");
        b.HasKey(a => a.Id);
        b.Property(a => a.RuleId).HasMaxLength(64);
        b.Property(a => a.Severity).HasMaxLength(16);
        b.Property(a => a.Status).HasMaxLength(16);
        b.Property(a => a.EntityKind).HasMaxLength(16);
        b.Property(a => a.EntityId).HasMaxLength(256);
        b.Property(a => a.Title).HasMaxLength(256);
        b.Property(a => a.Summary).HasMaxLength(512);
        b.Property(a => a.AssigneeUserId).HasMaxLength(450);
        b.Property(a => a.Details).HasMaxLength(8192);
        b.Property(a => a.ClosedBy).HasMaxLength(450);
        b.HasIndex(a => new { a.RuleId, a.EntityKind, a.EntityId, a.LastSeenAt });
        b.HasIndex(a => new { a.Status, a.Severity });
        b.HasIndex(a => new { a.UpdatedAt, a.Id });
        b.HasIndex(a => a.LastSeenAt);
    }
}

internal sealed class AlertNoteConfiguration : IEntityTypeConfiguration<AlertNote>
{
    public void Configure(EntityTypeBuilder<AlertNote> b)
    {
        b.ToTable("alert_notes");
        b.HasKey(n => n.Id);
        b.Property(n => n.AuthorUserId).HasMaxLength(450);
        b.Property(n => n.Text).HasMaxLength(4000);
        b.HasIndex(n => n.AlertId);
        b.HasOne<Alert>().WithMany().HasForeignKey(n => n.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlertOccurrenceConfiguration : IEntityTypeConfiguration<AlertOccurrence>
{
    public void Configure(EntityTypeBuilder<AlertOccurrence> b)
    {
        b.ToTable("alert_occurrences");
        b.HasKey(o => o.Id);
        b.Property(o => o.Title).HasMaxLength(256);
        b.HasIndex(o => new { o.AlertId, o.At });
        b.HasOne<Alert>().WithMany().HasForeignKey(o => o.AlertId).OnDelete(DeleteBehavior.Cascade);
    }
}
