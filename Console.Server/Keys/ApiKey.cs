using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// An API key. The secret is never stored: <see cref="Hash"/> is its SHA-256, and
/// <see cref="Prefix"/>/<see cref="LastFour"/> are what screens show afterwards.
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required byte[] Hash { get; set; }
    public required string Prefix { get; set; }
    public required string LastFour { get; set; }
    public required string Environment { get; set; }
    public required string OwnerUserId { get; set; }
    public string? Service { get; set; }

    /// <summary>Space-separated permission names (see Console.Shared Permissions).</summary>
    public required string Scopes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }

    /// <summary>Suspended (verify answers <c>disabled</c>) until enabled again; unlike revocation, reversible.</summary>
    public DateTimeOffset? DisabledAt { get; set; }
    public string? DisabledReason { get; set; }

    /// <summary>The address the key was last used from (the verify's clientIp, or the caller's address).</summary>
    public string? LastUsedIp { get; set; }
    public int? RateLimitPerMinute { get; set; }

    /// <summary>Space-separated CIDR blocks; empty means any address.</summary>
    public string? IpAllowList { get; set; }

    /// <summary>The request this key was issued for, if any.</summary>
    public Guid? RequestId { get; set; }
    public Guid? PredecessorId { get; set; }
    public Guid? SuccessorId { get; set; }

    /// <summary>
    /// The secret, encrypted with Data Protection, until its owner picks it up once; then null for ever.
    /// Only keys issued for someone else to collect (approval, rotation) carry it.
    /// </summary>
    public string? PendingSecret { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string> IpAllowListEntries => (IpAllowList ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public string DisplayKey => $"{Prefix}…{LastFour}";

    /// <summary>What a security event says about this key (<see cref="ConsoleSecurityEvents"/> knows no Keys type).</summary>
    public KeyFacts Facts() => new(Id, Prefix, Service, Environment, OwnerUserId);

    /// <summary>How close to expiry a key is shown as expiring.</summary>
    public static readonly TimeSpan ExpiringWithin = TimeSpan.FromDays(7);

    public string StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? KeyStatuses.Revoked
        : ExpiresAt is { } e && e <= now ? KeyStatuses.Expired
        : DisabledAt is not null ? KeyStatuses.Disabled
        : SuccessorId is not null ? KeyStatuses.PendingRotation
        : ExpiresAt is { } soon && soon <= now + ExpiringWithin ? KeyStatuses.Expiring
        : KeyStatuses.Active;
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Name).HasMaxLength(128);
        b.Property(k => k.Hash).HasMaxLength(32);
        b.HasIndex(k => k.Hash).IsUnique();
        b.Property(k => k.Prefix).HasMaxLength(32);
        b.Property(k => k.LastFour).HasMaxLength(4);
        b.Property(k => k.Environment).HasMaxLength(16);
        b.Property(k => k.OwnerUserId).HasMaxLength(450);
        b.HasIndex(k => k.OwnerUserId);
        b.Property(k => k.Service).HasMaxLength(128);
        b.Property(k => k.Scopes).HasMaxLength(1024);
        b.Property(k => k.RevokedReason).HasMaxLength(512);
        b.Property(k => k.DisabledReason).HasMaxLength(512);
        b.Property(k => k.IpAllowList).HasMaxLength(2048);
        b.Property(k => k.LastUsedIp).HasMaxLength(45);
        b.Property(k => k.PendingSecret).HasMaxLength(1024);
        b.HasIndex(k => k.RequestId);
    }
}
