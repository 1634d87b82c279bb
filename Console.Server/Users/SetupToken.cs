using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Users;

/// <summary>The one-time first-run link. Only the SHA-256 of its token is stored.</summary>
public sealed class SetupToken
{
    public Guid Id { get; set; }
    public required byte[] TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

internal sealed class SetupTokenConfiguration : IEntityTypeConfiguration<SetupToken>
{
    public void Configure(EntityTypeBuilder<SetupToken> b)
    {
        b.ToTable("setup_tokens");
        b.HasKey(t => t.Id);
        b.Property(t => t.TokenHash).HasMaxLength(32);
        b.HasIndex(t => t.TokenHash).IsUnique();
    }
}
