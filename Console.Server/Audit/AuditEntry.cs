using System.ComponentModel.DataAnnotations.Schema;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// One entry of the hash-chained audit trail. <see cref="Sequence"/>, <see cref="PrevHash"/> and
/// <see cref="Hash"/> are assigned at SaveChanges by <see cref="AuditChainInterceptor"/>, under the
/// chain lock; until then the entry carries a temporary negative sequence.
/// </summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }

    /// <summary>Version of the canonical encoding the hash was computed over (see <see cref="AuditHash"/>).</summary>
    public short Version { get; set; } = AuditHash.CurrentVersion;
    public DateTimeOffset Time { get; set; }
    public required string Category { get; set; }
    public required string Action { get; set; }
    public required string ActorType { get; set; }
    public required string ActorId { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }
    public required string Outcome { get; set; }

    /// <summary>The source IP of a service or the console; a person's IP is personal data and lives in <see cref="Personal"/>.</summary>
    public string? SourceIp { get; set; }
    public string? CorrelationId { get; set; }

    /// <summary>Structured data without personal data, as JSON text (hashed as stored).</summary>
    public string? Data { get; set; }

    /// <summary>Keyed pseudonym (HMAC) of the data subject: links a subject's entries without naming them.</summary>
    public string? Subject { get; set; }
    public Guid? SubjectKeyId { get; set; }

    /// <summary>Personal data as AES-GCM ciphertext under the subject's key (base64: nonce | ciphertext | tag).</summary>
    public string? Personal { get; set; }
    public byte[] PrevHash { get; set; } = [];
    public byte[] Hash { get; set; } = [];

    /// <summary>Personal data waiting to be encrypted at SaveChanges, with the data subject it belongs to.</summary>
    [NotMapped]
    internal JsonObject? PendingPersonal { get; set; }

    [NotMapped]
    internal string? PendingSubject { get; set; }

    /// <summary>Order of recording within the process: entries of one save are chained in this order.</summary>
    [NotMapped]
    internal long Ordinal { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedNever();
        b.Property(e => e.Category).HasMaxLength(32);
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.ActorType).HasMaxLength(16);
        b.Property(e => e.ActorId).HasMaxLength(450);
        b.Property(e => e.TargetType).HasMaxLength(64);
        b.Property(e => e.TargetId).HasMaxLength(450);
        b.Property(e => e.Outcome).HasMaxLength(16);
        b.Property(e => e.SourceIp).HasMaxLength(64);
        b.Property(e => e.CorrelationId).HasMaxLength(64);
        b.Property(e => e.Subject).HasMaxLength(64);
        b.Ignore(e => e.PendingPersonal);
        b.Ignore(e => e.PendingSubject);
        b.Ignore(e => e.Ordinal);
        // Search filters by one of these and pages by sequence: (filter, sequence) serves both.
        b.HasIndex(e => e.Time);
        b.HasIndex(e => new { e.ActorId, e.Sequence });
        b.HasIndex(e => new { e.Action, e.Sequence });
        b.HasIndex(e => new { e.TargetId, e.Sequence });
        b.HasIndex(e => new { e.Subject, e.Sequence });
        b.HasIndex(e => new { e.Category, e.Sequence });
    }
}
