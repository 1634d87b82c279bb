using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Attestations of manual controls and exceptions to controls. Each is evidence (its SHA-256 in its audit entry) and is
/// audited in the same transaction; an exception takes effect only once someone other than its requester approves it.
/// </summary>
public sealed class ManualControls(ConsoleDbContext db, ComplianceCatalogue catalogue, AuditTrail audit, EvidenceUploads uploads, TimeProvider clock)
{
    public async Task<AttestationView> AttestAsync(string controlId, string userId, AttestRequest request, CancellationToken ct)
    {
        var control = catalogue.Control(controlId) ?? throw new NotFoundException();
        if (!control.Manual)
        {
            throw InvalidException.Field("control", $"'{control.Title}' is evaluated by checks; only manual controls are attested.");
        }
        var now = clock.GetUtcNow();
        var attestation = new Attestation
        {
            Id = Guid.NewGuid(), ControlId = controlId, Statement = request.Statement.Trim(), AttestedBy = userId, AttestedAt = now, ValidUntil = now.AddDays(request.ValidDays),
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.ComplianceAttestations.Add(attestation);
        var evidence = await EvidenceAsync(EvidenceKinds.Attestation, controlId, now, attestation.ValidUntil,
            new { kind = EvidenceKinds.Attestation, control = controlId, attestation.Id, attestation.Statement, attestedBy = userId, at = now, validUntil = attestation.ValidUntil }, ct);
        attestation.EvidenceId = evidence.Id;
        var entry = audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceAttested, "compliance_control", controlId,
            Data: new { attestation = attestation.Id, validUntil = attestation.ValidUntil, evidence = evidence.Id, sha256 = evidence.Sha256 }));
        await db.SaveChangesAsync(ct);
        evidence.AuditSequence = entry.Sequence;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return View(attestation);
    }

    public async Task<ExceptionView> RequestExceptionAsync(string userId, ExceptionRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (catalogue.Control(request.Control) is null)
        {
            throw InvalidException.Field("control", $"There is no control '{request.Control}'.");
        }
        if (request.ExpiresAt <= now || request.ExpiresAt > now.AddDays(366))
        {
            throw InvalidException.Field("expiresAt", "Must be in the future and within a year: an exception is reviewed at least yearly.");
        }
        var exception = new ControlException
        {
            Id = Guid.NewGuid(), ControlId = request.Control, Scope = request.Resources is { Count: > 0 } r ? string.Join(' ', r.Distinct()) : "*",
            Reason = request.Reason.Trim(), RequestedBy = userId, RequestedAt = now, ExpiresAt = request.ExpiresAt, Status = ExceptionStatuses.Pending,
        };
        db.ComplianceExceptions.Add(exception);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceExceptionRequested, "compliance_exception", exception.Id.ToString(),
            Data: new { control = exception.ControlId, scope = exception.Scope, expiresAt = exception.ExpiresAt }, Personal: new { reason = exception.Reason }));
        await db.SaveChangesAsync(ct);
        return View(exception);
    }

    public async Task<ExceptionView> ApproveExceptionAsync(Guid id, string userId, CancellationToken ct)
    {
        var exception = await db.ComplianceExceptions.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw new NotFoundException();
        if (exception.RequestedBy == userId)
        {
            // Four eyes, as for key requests: nobody approves their own exception, whatever their roles.
            audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceExceptionApproved, "compliance_exception", id.ToString(),
                Outcome: AuditOutcomes.Denied, Data: new { reason = "own_request" }));
            await db.SaveChangesAsync(ct);
            throw new ForbiddenException("You cannot approve your own exception",
                "An exception must be approved by someone other than the person who requested it.");
        }
        var now = clock.GetUtcNow();
        if (exception.Status != ExceptionStatuses.Pending || exception.ExpiresAt <= now)
        {
            throw new ConflictException("This exception cannot be approved",
                exception.Status != ExceptionStatuses.Pending ? $"It is {exception.Status} already." : "It has expired.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        exception.Status = ExceptionStatuses.Approved;
        exception.ApprovedBy = userId;
        exception.ApprovedAt = now;
        var evidence = await EvidenceAsync(EvidenceKinds.Exception, exception.ControlId, now, exception.ExpiresAt,
            new { kind = EvidenceKinds.Exception, control = exception.ControlId, exception.Id, exception.Scope, exception.Reason, requestedBy = exception.RequestedBy, approvedBy = userId, at = now, expiresAt = exception.ExpiresAt }, ct);
        var entry = audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceExceptionApproved, "compliance_exception", id.ToString(),
            Data: new { control = exception.ControlId, scope = exception.Scope, expiresAt = exception.ExpiresAt, evidence = evidence.Id, sha256 = evidence.Sha256 }));
        await db.SaveChangesAsync(ct);
        evidence.AuditSequence = entry.Sequence;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return View(exception);
    }

    /// <summary>
    /// Turns a pending exception down, with a reason; audited in the same transaction. It never takes effect, and the
    /// control keeps the status its checks give it. The requester may withdraw their own request the same way.
    /// </summary>
    public async Task<ExceptionView> RejectExceptionAsync(Guid id, string userId, RejectExceptionRequest request, CancellationToken ct)
    {
        var exception = await db.ComplianceExceptions.FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw new NotFoundException();
        if (exception.Status != ExceptionStatuses.Pending)
        {
            throw new ConflictException("This exception cannot be rejected", $"It is {exception.Status} already; only a pending request is rejected.");
        }
        exception.Status = ExceptionStatuses.Rejected;
        exception.RejectedBy = userId;
        exception.RejectedAt = clock.GetUtcNow();
        exception.RejectionReason = request.Reason.Trim();
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceExceptionRejected, "compliance_exception", id.ToString(),
            Data: new { control = exception.ControlId, scope = exception.Scope, withdrawn = exception.RequestedBy == userId }, Personal: new { reason = exception.RejectionReason }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Approved or rejected by someone else a moment ago (Status is the concurrency token).
            throw new ConflictException("This exception cannot be rejected", "Someone else decided it a moment ago.");
        }
        return View(exception);
    }

    public async Task<List<ExceptionView>> ExceptionsAsync(CancellationToken ct) =>
        [.. (await db.ComplianceExceptions.AsNoTracking().OrderByDescending(e => e.RequestedAt).Take(500).ToListAsync(ct)).Select(View)];

    public async Task<ControlRecords?> RecordsAsync(string controlId, CancellationToken ct)
    {
        if (catalogue.Control(controlId) is null)
        {
            return null;
        }
        var attestations = await db.ComplianceAttestations.AsNoTracking().Where(a => a.ControlId == controlId)
            .OrderByDescending(a => a.AttestedAt).Take(100).ToListAsync(ct);
        var exceptions = await db.ComplianceExceptions.AsNoTracking().Where(e => e.ControlId == controlId)
            .OrderByDescending(e => e.RequestedAt).Take(100).ToListAsync(ct);
        var files = await uploads.FilesAsync(
            [.. attestations.Select(a => EvidenceUploads.Subject(EvidenceUploads.ToAttestation, a.Id)), .. exceptions.Select(e => EvidenceUploads.Subject(EvidenceUploads.ToException, e.Id))], ct);
        return new ControlRecords(controlId,
            [.. attestations.Select(a => View(a) with { Files = [.. files[EvidenceUploads.Subject(EvidenceUploads.ToAttestation, a.Id)]] })],
            [.. exceptions.Select(e => View(e) with { Files = [.. files[EvidenceUploads.Subject(EvidenceUploads.ToException, e.Id)]] })]);
    }

    private async Task<EvidenceItem> EvidenceAsync(string kind, string subject, DateTimeOffset from, DateTimeOffset to, object payload, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(payload, ComplianceEvaluator.Json);
        var evidence = new EvidenceItem
        {
            Kind = kind, Subject = subject, At = from, EffectiveFrom = from, EffectiveTo = to, Payload = json, Sha256 = ControlStatusRecorder.Sha256(Encoding.UTF8.GetBytes(json)),
        };
        db.ComplianceEvidence.Add(evidence);
        await db.SaveChangesAsync(ct);
        return evidence;
    }

    private static AttestationView View(Attestation a) => new(a.Id, a.ControlId, a.Statement, a.AttestedBy, a.AttestedAt, a.ValidUntil, a.EvidenceId);

    private static ExceptionView View(ControlException e) => new(
        e.Id, e.ControlId, e.Scope == "*" ? [] : e.ScopeList, e.Reason, e.RequestedBy, e.RequestedAt, e.ApprovedBy, e.ApprovedAt, e.ExpiresAt,
        e.Status == ExceptionStatuses.Approved && e.ExpiresAt <= DateTimeOffset.UtcNow ? "expired" : e.Status, null, e.RejectedBy, e.RejectedAt, e.RejectionReason);
}
