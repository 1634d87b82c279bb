using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public string DisplayKey => $"{Prefix}…{LastFour}";

    public string StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? "revoked" : ExpiresAt is { } e && e <= now ? "expired" : "active";
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
    }
}
