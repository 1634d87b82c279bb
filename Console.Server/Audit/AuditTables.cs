using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// The one row that every appender updates first: its row lock (PostgreSQL) or the write lock
/// (SQLite) serialises appenders across all nodes, and it records where the chain ends.
/// </summary>
public sealed class AuditChainHead
{
    public int Id { get; set; }
    public long LastSequence { get; set; }
    public byte[] LastHash { get; set; } = [];

    /// <summary>
    /// Time of the last entry (null: none yet). The next entry's time is never earlier, so that time and sequence
    /// order agree and a time range is a sequence range (<see cref="AuditReader"/>).
    /// </summary>
    public DateTimeOffset? LastTime { get; set; }

    /// <summary>Retention removed entries up to and including this sequence (0: none).</summary>
    public long PurgedThrough { get; set; }
}

/// <summary>A signed statement "the chain had this hash at this sequence".</summary>
public sealed class AuditCheckpoint
{
    public long Sequence { get; set; }
    public byte[] Hash { get; set; } = [];
    public DateTimeOffset Time { get; set; }
    public required string KeyId { get; set; }
    public byte[] Signature { get; set; } = [];
}

/// <summary>A console secret (signing key, pseudonym key), protected with ASP.NET Data Protection.</summary>
public sealed class AuditSecret
{
    public required string Name { get; set; }
    public required string Protected { get; set; }

    /// <summary>Public part, where there is one (PEM).</summary>
    public string? PublicPem { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A data subject's key. Erasure sets <see cref="ProtectedKey"/> to null: the ciphertext stays, unreadable.</summary>
public sealed class AuditSubjectKey
{
    public Guid Id { get; set; }
    public required string Pseudonym { get; set; }
    public string? ProtectedKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
}

public sealed class AuditRetentionSetting
{
    public required string Category { get; set; }
    public int Days { get; set; }
}

public sealed class AuditLegalHold
{
    public Guid Id { get; set; }
    public required string Reason { get; set; }
    public required string PlacedBy { get; set; }
    public DateTimeOffset PlacedAt { get; set; }
    public string? LiftedBy { get; set; }
    public string? LiftReason { get; set; }
    public DateTimeOffset? LiftedAt { get; set; }
}

internal sealed class AuditTablesConfiguration :
    IEntityTypeConfiguration<AuditChainHead>, IEntityTypeConfiguration<AuditCheckpoint>, IEntityTypeConfiguration<AuditSecret>,
    IEntityTypeConfiguration<AuditSubjectKey>, IEntityTypeConfiguration<AuditRetentionSetting>, IEntityTypeConfiguration<AuditLegalHold>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.ToTable("audit_chain_head");
        b.Property(h => h.Id).ValueGeneratedNever();
        b.HasData(new AuditChainHead { Id = 1, LastSequence = 0, LastHash = AuditHash.Genesis.ToArray(), PurgedThrough = 0 });
    }

    public void Configure(EntityTypeBuilder<AuditCheckpoint> b)
    {
        b.ToTable("audit_checkpoints");
        b.HasKey(c => c.Sequence);
        b.Property(c => c.Sequence).ValueGeneratedNever();
        b.Property(c => c.KeyId).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<AuditSecret> b)
    {
        b.ToTable("audit_secrets");
        b.HasKey(s => s.Name);
        b.Property(s => s.Name).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<AuditSubjectKey> b)
    {
        b.ToTable("audit_subject_keys");
        b.Property(k => k.Pseudonym).HasMaxLength(64);
        b.HasIndex(k => k.Pseudonym);
    }

    public void Configure(EntityTypeBuilder<AuditRetentionSetting> b)
    {
        b.ToTable("audit_retention");
        b.HasKey(r => r.Category);
        b.Property(r => r.Category).HasMaxLength(32);
        b.HasData(AuditRetentionDefaults.All.Select(d => new AuditRetentionSetting { Category = d.Key, Days = d.Value }));
    }

    public void Configure(EntityTypeBuilder<AuditLegalHold> b)
    {
        b.ToTable("audit_legal_holds");
        b.Property(h => h.Reason).HasMaxLength(500);
        b.Property(h => h.LiftReason).HasMaxLength(500);
        b.Property(h => h.PlacedBy).HasMaxLength(450);
        b.Property(h => h.LiftedBy).HasMaxLength(450);
    }
}

internal static class AuditRetentionDefaults
{
    public static readonly IReadOnlyDictionary<string, int> All = new Dictionary<string, int>
    {
        ["security"] = 400,
        ["access"] = 400,
        ["key"] = 730,
        ["admin"] = 2190,
        ["audit"] = 2190,
    };
}
