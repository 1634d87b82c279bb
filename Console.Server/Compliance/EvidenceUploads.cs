using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Files attached to an attestation or an exception. Each is an evidence item stored in the database: its payload names
/// the file and the SHA-256 of its bytes, the payload's own SHA-256 goes into the audit entry written in the same
/// transaction, so the signed checkpoints cover the file. The endpoint has checked size and type before this runs.
/// </summary>
public sealed class EvidenceUploads(ConsoleDbContext db, AuditTrail audit, TimeProvider clock)
{
    public const string ToAttestation = "attestation";
    public const string ToException = "exception";

    /// <summary>The evidence subject of files attached to a record: "attestation:{id}" or "exception:{id}".</summary>
    public static string Subject(string owner, Guid id) => $"{owner}:{id}";

    public async Task<EvidenceFileView> AttachAsync(
        string owner, Guid id, string userId, string fileName, string contentType, byte[] content, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        string control;
        DateTimeOffset until;
        if (owner == ToAttestation)
        {
            var attestation = await db.ComplianceAttestations.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException();
            if (attestation.ValidUntil <= now)
            {
                throw Closed("The attestation has expired; attest the control again and attach the file to the new attestation.");
            }
            (control, until) = (attestation.ControlId, attestation.ValidUntil);
        }
        else
        {
            var exception = await db.ComplianceExceptions.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw new NotFoundException();
            if (exception.Status == ExceptionStatuses.Rejected || exception.ExpiresAt <= now)
            {
                throw Closed($"The exception is {(exception.ExpiresAt <= now ? "expired" : exception.Status)}; files are attached to pending or approved exceptions.");
            }
            (control, until) = (exception.ControlId, exception.ExpiresAt);
        }
        var contentSha256 = ControlStatusRecorder.Sha256(content);
        var payload = JsonSerializer.Serialize(new
        {
            kind = EvidenceKinds.File, control, attachedTo = owner, attachedId = id, fileName, contentType, size = content.LongLength,
            contentSha256, uploadedBy = userId, at = now,
        }, ComplianceEvaluator.Json);
        var evidence = new EvidenceItem
        {
            Kind = EvidenceKinds.File, Subject = Subject(owner, id), At = now, EffectiveFrom = now, EffectiveTo = until, Payload = payload,
            Sha256 = ControlStatusRecorder.Sha256(System.Text.Encoding.UTF8.GetBytes(payload)), FileName = fileName, ContentType = contentType, Content = content,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ComplianceEvidence.Add(evidence);
        await db.SaveChangesAsync(ct);
        var entry = audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceFileAttached, $"compliance_{owner}", id.ToString(),
            Data: new { control, evidence = evidence.Id, sha256 = evidence.Sha256, contentSha256, contentType, size = content.LongLength }));
        await db.SaveChangesAsync(ct);
        evidence.AuditSequence = entry.Sequence;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return View(evidence);
    }

    /// <summary>The files attached to these records, by subject.</summary>
    public async Task<ILookup<string, EvidenceFileView>> FilesAsync(IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        var rows = await db.ComplianceEvidence.AsNoTracking()
            .Where(e => e.Kind == EvidenceKinds.File && subjects.Contains(e.Subject)).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Subject, e.FileName, e.ContentType, Size = (long?)e.Content!.Length, e.Sha256, e.AuditSequence, e.At })
            .ToListAsync(ct);
        return rows.ToLookup(r => r.Subject, r => new EvidenceFileView(r.Id, r.FileName ?? "", r.ContentType ?? "", r.Size ?? 0, r.Sha256, r.AuditSequence, r.At));
    }

    private static EvidenceFileView View(EvidenceItem e) =>
        new(e.Id, e.FileName!, e.ContentType!, e.Content!.LongLength, e.Sha256, e.AuditSequence, e.At);

    private static ConflictException Closed(string detail) => new("Files cannot be attached to this record", detail);
}
