using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Events committed but not yet through detection: written in the same transaction as the events, deleted
/// in the same transaction as the alerts they raised. Whatever a crash leaves here is detected later.
/// </summary>
public sealed class DetectionBacklog
{
    public long Id { get; set; }

    /// <summary>The events' ids as ranges: "1-500,731-740".</summary>
    public required string EventIds { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The process that wrote it and will detect it; null: nobody, the next sweep takes it at once.</summary>
    public string? Node { get; set; }
}

internal sealed class DetectionBacklogConfiguration : IEntityTypeConfiguration<DetectionBacklog>
{
    public void Configure(EntityTypeBuilder<DetectionBacklog> b)
    {
        b.ToTable("detection_backlog");
        b.HasKey(e => e.Id);
        b.Property(e => e.EventIds).HasMaxLength(100_000);
        b.Property(e => e.Node).HasMaxLength(64);
        b.HasIndex(e => e.CreatedAt);
    }
}
