using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Audit;

/// <summary>One entry of the audit trail.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }
    public DateTimeOffset Time { get; set; }
    public required string Category { get; set; }
    public required string Action { get; set; }
    public required string ActorType { get; set; }
    public required string ActorId { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public required string Outcome { get; set; }
    public string? SourceIp { get; set; }
    public string? CorrelationId { get; set; }
    public string? Data { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Category).HasMaxLength(32);
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.ActorType).HasMaxLength(16);
        b.Property(e => e.ActorId).HasMaxLength(450);
        b.Property(e => e.TargetType).HasMaxLength(64);
        b.Property(e => e.TargetId).HasMaxLength(450);
        b.Property(e => e.Outcome).HasMaxLength(16);
        b.Property(e => e.SourceIp).HasMaxLength(64);
        b.Property(e => e.CorrelationId).HasMaxLength(64);
        b.HasIndex(e => e.Time);
    }
}
