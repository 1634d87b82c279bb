using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Data;

/// <summary>A document of settings admins edit in the console (for example the key policy), stored as JSON under a name.</summary>
public sealed class ConsoleSetting
{
    public required string Name { get; set; }
    public required string Json { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

internal sealed class ConsoleSettingConfiguration : IEntityTypeConfiguration<ConsoleSetting>
{
    public void Configure(EntityTypeBuilder<ConsoleSetting> b)
    {
        b.ToTable("console_settings");
        b.HasKey(s => s.Name);
        b.Property(s => s.Name).HasMaxLength(64);
        b.Property(s => s.UpdatedBy).HasMaxLength(450);
    }
}
