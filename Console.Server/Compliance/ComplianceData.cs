using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// The latest result of one check. When a run errs, <see cref="Status"/> is error and the last good result stays in
/// <see cref="LastGoodStatus"/>/<see cref="LastGoodAt"/>/<see cref="Rows"/>, so the page can show what was last known.
/// </summary>
public sealed class CheckState
{
    public required string CheckId { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset EvaluatedAt { get; set; }
    public string? Error { get; set; }
    public string? LastGoodStatus { get; set; }
    public DateTimeOffset? LastGoodAt { get; set; }
    public int Passing { get; set; }
    public int Failing { get; set; }

    /// <summary>The rows of the last good run as JSON: every failing row and a sample of the others.</summary>
    public required string Rows { get; set; }
    public int Version { get; set; }
}

/// <summary>A control's current status; a change writes evidence, an audit entry and an alert.</summary>
public sealed class ControlState
{
    public required string ControlId { get; set; }
    public required string Status { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>
/// Evidence: a status change, an attestation, an exception or an uploaded file. <see cref="Sha256"/> covers
/// <see cref="Payload"/> (and <see cref="Content"/> for a file) and is written into the audit chain, whose entry is
/// <see cref="AuditSequence"/>; the signed checkpoints then cover it.
/// </summary>
public sealed class EvidenceItem
{
    public long Id { get; set; }
    public required string Kind { get; set; }
    public required string Subject { get; set; }
    public string? Status { get; set; }
    public string? PreviousStatus { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset? EffectiveTo { get; set; }
    public required string Payload { get; set; }
    public required string Sha256 { get; set; }
    public long? AuditSequence { get; set; }
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    public byte[]? Content { get; set; }
}

/// <summary>A person's statement that a manual control holds, valid until <see cref="ValidUntil"/>; then the control is manual due.</summary>
public sealed class Attestation
{
    public Guid Id { get; set; }
    public required string ControlId { get; set; }
    public required string Statement { get; set; }
    public required string AttestedBy { get; set; }
    public DateTimeOffset AttestedAt { get; set; }
    public DateTimeOffset ValidUntil { get; set; }
    public long? EvidenceId { get; set; }
}

/// <summary>
/// An accepted deviation: a control (or some of its resources) shown as excepted until it expires. Approved by someone
/// other than the requester, as key requests are.
/// </summary>
public sealed class ControlException
{
    public Guid Id { get; set; }
    public required string ControlId { get; set; }

    /// <summary>Space-separated resource ids the exception covers; "*" for the whole control.</summary>
    public required string Scope { get; set; }
    public required string Reason { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }

    /// <summary>Who turned the request down, when and why; a rejected exception never takes effect.</summary>
    public string? RejectedBy { get; set; }
    public DateTimeOffset? RejectedAt { get; set; }
    public string? RejectionReason { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public required string Status { get; set; }

    public IReadOnlyList<string> ScopeList => Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>An access review campaign: every user's roles and every key's scopes, each confirmed or revoked.</summary>
public sealed class AccessReview
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string StartedBy { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? FinishedBy { get; set; }
}

public sealed class AccessReviewItem
{
    public long Id { get; set; }
    public Guid ReviewId { get; set; }
    public required string Kind { get; set; }
    public required string ResourceId { get; set; }
    public required string Label { get; set; }
    public required string Grants { get; set; }

    /// <summary>The person the access belongs to (the user, or the key's owner): they may not confirm it themselves.</summary>
    public string? Owner { get; set; }
    public string? Decision { get; set; }

    /// <summary>Space-separated grants a revoke removed (a user's roles; a key's scopes, since the whole key is revoked).</summary>
    public string? Revoked { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}

internal sealed class ComplianceConfiguration :
    IEntityTypeConfiguration<CheckState>, IEntityTypeConfiguration<ControlState>, IEntityTypeConfiguration<EvidenceItem>,
    IEntityTypeConfiguration<Attestation>, IEntityTypeConfiguration<ControlException>, IEntityTypeConfiguration<AccessReview>,
    IEntityTypeConfiguration<AccessReviewItem>
{
    public void Configure(EntityTypeBuilder<CheckState> b)
    {
        b.ToTable("compliance_check_states");
        b.HasKey(s => s.CheckId);
        b.Property(s => s.CheckId).HasMaxLength(64);
        b.Property(s => s.Status).HasMaxLength(16);
        b.Property(s => s.LastGoodStatus).HasMaxLength(16);
        b.Property(s => s.Error).HasMaxLength(512);
        // Two nodes evaluating the same check at once: the second save fails and re-reads.
        b.Property(s => s.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<ControlState> b)
    {
        b.ToTable("compliance_control_states");
        b.HasKey(s => s.ControlId);
        b.Property(s => s.ControlId).HasMaxLength(64);
        b.Property(s => s.Status).HasMaxLength(16);
        b.Property(s => s.Version).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<EvidenceItem> b)
    {
        b.ToTable("compliance_evidence");
        b.HasKey(e => e.Id);
        b.Property(e => e.Kind).HasMaxLength(32);
        b.Property(e => e.Subject).HasMaxLength(64);
        b.Property(e => e.Status).HasMaxLength(16);
        b.Property(e => e.PreviousStatus).HasMaxLength(16);
        b.Property(e => e.Sha256).HasMaxLength(64);
        b.Property(e => e.FileName).HasMaxLength(255);
        b.Property(e => e.ContentType).HasMaxLength(100);
        b.HasIndex(e => new { e.Kind, e.Subject, e.At });
        b.HasIndex(e => e.At);
    }

    public void Configure(EntityTypeBuilder<Attestation> b)
    {
        b.ToTable("compliance_attestations");
        b.HasKey(a => a.Id);
        b.Property(a => a.ControlId).HasMaxLength(64);
        b.Property(a => a.Statement).HasMaxLength(2000);
        b.Property(a => a.AttestedBy).HasMaxLength(450);
        b.HasIndex(a => new { a.ControlId, a.ValidUntil });
    }

    public void Configure(EntityTypeBuilder<ControlException> b)
    {
        b.ToTable("compliance_exceptions");
        b.HasKey(e => e.Id);
        b.Property(e => e.ControlId).HasMaxLength(64);
        b.Property(e => e.Scope).HasMaxLength(4000);
        b.Property(e => e.Reason).HasMaxLength(1000);
        b.Property(e => e.RequestedBy).HasMaxLength(450);
        b.Property(e => e.ApprovedBy).HasMaxLength(450);
        b.Property(e => e.RejectedBy).HasMaxLength(450);
        b.Property(e => e.RejectionReason).HasMaxLength(1000);
        b.Property(e => e.Status).HasMaxLength(16).IsConcurrencyToken();
        b.HasIndex(e => new { e.ControlId, e.Status });
    }

    public void Configure(EntityTypeBuilder<AccessReview> b)
    {
        b.ToTable("compliance_access_reviews");
        b.HasKey(r => r.Id);
        b.Property(r => r.Name).HasMaxLength(200);
        b.Property(r => r.StartedBy).HasMaxLength(450);
        b.Property(r => r.FinishedBy).HasMaxLength(450);
        // Two reviewers finishing at once: one wins.
        b.Property(r => r.FinishedAt).IsConcurrencyToken();
    }

    public void Configure(EntityTypeBuilder<AccessReviewItem> b)
    {
        b.ToTable("compliance_access_review_items");
        b.HasKey(i => i.Id);
        b.Property(i => i.Kind).HasMaxLength(16);
        b.Property(i => i.ResourceId).HasMaxLength(450);
        b.Property(i => i.Label).HasMaxLength(300);
        b.Property(i => i.Grants).HasMaxLength(1024);
        b.Property(i => i.Decision).HasMaxLength(16).IsConcurrencyToken();
        b.Property(i => i.Revoked).HasMaxLength(1024);
        b.Property(i => i.Owner).HasMaxLength(450);
        b.Property(i => i.DecidedBy).HasMaxLength(450);
        b.HasIndex(i => i.ReviewId);
        b.HasOne<AccessReview>().WithMany().HasForeignKey(i => i.ReviewId).OnDelete(DeleteBehavior.Cascade);
    }
}
