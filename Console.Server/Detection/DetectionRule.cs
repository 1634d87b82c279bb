using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Detection;

/// <summary>A rule is data: a type, its typed parameters as validated JSON, and how it alerts.</summary>
public sealed class DetectionRule
{
    public required string Id { get; set; }
    public required string Name { get; set; }
    public required string Description { get; set; }
    public required string Type { get; set; }

    /// <summary>JSON of the type's parameters (Console.Shared RuleParameters), normalized and validated on save.</summary>
    public required string Parameters { get; set; }
    public required string Severity { get; set; }
    public bool Enabled { get; set; }
    public int WindowSeconds { get; set; }
    public int GroupingSeconds { get; set; }
    public long FiredCount { get; set; }
    public DateTimeOffset? LastFiredAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
    public int Version { get; set; }
}

internal sealed class DetectionRuleConfiguration : IEntityTypeConfiguration<DetectionRule>
{
    public void Configure(EntityTypeBuilder<DetectionRule> b)
    {
        b.ToTable("detection_rules");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).HasMaxLength(64);
        b.Property(r => r.Name).HasMaxLength(128);
        b.Property(r => r.Description).HasMaxLength(1000);
        b.Property(r => r.Type).HasMaxLength(32);
        b.Property(r => r.Parameters).HasMaxLength(4096);
        b.Property(r => r.Severity).HasMaxLength(16);
        b.Property(r => r.UpdatedBy).HasMaxLength(512);
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}

/// <summary>What a rule has learned about one entity (rate mean and variance, hours of activity, known networks), as JSON.</summary>
public sealed class EntityBaseline
{
    public required string RuleId { get; set; }
    public required string EntityKind { get; set; }
    public required string EntityId { get; set; }

    /// <summary>Hash of the rule's parameters the state was learned under; a change of parameters starts over.</summary>
    public required string ParametersHash { get; set; }
    public required string State { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class EntityBaselineConfiguration : IEntityTypeConfiguration<EntityBaseline>
{
    public void Configure(EntityTypeBuilder<EntityBaseline> b)
    {
        b.ToTable("entity_baselines");
        b.HasKey(e => new { e.RuleId, e.EntityKind, e.EntityId });
        b.Property(e => e.RuleId).HasMaxLength(64);
        b.Property(e => e.EntityKind).HasMaxLength(16);
        b.Property(e => e.EntityId).HasMaxLength(256);
        b.Property(e => e.ParametersHash).HasMaxLength(64);
        b.Property(e => e.State).HasMaxLength(16_384);
        b.HasIndex(e => new { e.EntityKind, e.EntityId });
        b.HasIndex(e => e.UpdatedAt);
    }
}
