using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Keys;

/// <summary>Someone's request for a key: pending until approved (which issues the key) or rejected.</summary>
public sealed class KeyRequest
{
    public Guid Id { get; set; }
    public required string RequesterUserId { get; set; }
    public required string Service { get; set; }
    public required string Environment { get; set; }

    /// <summary>Space-separated scope names from the catalogue.</summary>
    public required string Scopes { get; set; }
    public int LifetimeDays { get; set; }
    public int? RateLimitPerMinute { get; set; }

    /// <summary>Space-separated CIDR blocks.</summary>
    public string? IpAllowList { get; set; }
    public required string Reason { get; set; }
    public required string Status { get; set; }
    public bool AutoApproved { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecidedByUserId { get; set; }
    public string? DecisionComment { get; set; }
    public Guid? KeyId { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string> IpAllowListEntries => (IpAllowList ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

internal sealed class KeyRequestConfiguration : IEntityTypeConfiguration<KeyRequest>
{
    public void Configure(EntityTypeBuilder<KeyRequest> b)
    {
        b.ToTable("api_key_requests");
        b.HasKey(r => r.Id);
        b.Property(r => r.RequesterUserId).HasMaxLength(450);
        b.HasIndex(r => r.RequesterUserId);
        b.Property(r => r.Service).HasMaxLength(128);
        b.Property(r => r.Environment).HasMaxLength(16);
        b.Property(r => r.Scopes).HasMaxLength(1024);
        b.Property(r => r.IpAllowList).HasMaxLength(2048);
        b.Property(r => r.Reason).HasMaxLength(1000);
        // Two approvers deciding at once: the second save finds the status changed and fails.
        b.Property(r => r.Status).HasMaxLength(16).IsConcurrencyToken();
        b.HasIndex(r => r.Status);
        b.Property(r => r.DecidedByUserId).HasMaxLength(450);
        b.Property(r => r.DecisionComment).HasMaxLength(1000);
    }
}
