using System.Text;
using System.Text.Json;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "four weeks of control history" (so the trend and the heat-map have shape), with an approved exception,
/// an expired attestation and a finished access review. Recorded with the rest of the demo's back-dated history, before it is chained;
/// the live evaluation at start then records how the controls stand today.
/// </summary>
public static class ComplianceHistory
{
    /// <summary>The history; <paramref name="reviewer"/> (a user id) started and finished the Q3 access review.</summary>
    public static List<(EvidenceItem Evidence, AuditEntry Entry)> Write(
        ConsoleDbContext db, AuditTrail audit, ComplianceCatalogue catalogue, DateTimeOffset now, Random random, string reviewer)
    {
        var history = new List<(EvidenceItem, AuditEntry)>();
        var start = now.AddDays(-28);
        foreach (var control in catalogue.Controls.Where(c => c.Automated))
        {
            var status = random.NextDouble() < 0.75 ? ComplianceStatuses.Pass : ComplianceStatuses.Fail;
            var previous = ComplianceStatuses.NotApplicable;
            var at = start.AddMinutes(random.Next(5, 90));
            while (at < now.AddHours(-2))
            {
                history.Add(Record(db, audit, control, status, previous, at));
                previous = status;
                // Failures are repaired within a day or two; passing controls break now and then.
                at = at.AddHours(status == ComplianceStatuses.Fail ? random.Next(3, 48) : random.Next(48, 24 * 20));
                status = status == ComplianceStatuses.Fail ? ComplianceStatuses.Pass : ComplianceStatuses.Fail;
            }
        }
        var irp = catalogue.Control("incident-response-plan");
        if (irp is not null)
        {
            db.ComplianceAttestations.Add(new Attestation
            {
                Id = Guid.NewGuid(), ControlId = irp.Id, Statement = "Incident response plan v2 reviewed and tested (tabletop exercise).",
                AttestedBy = "demo", AttestedAt = now.AddDays(-400), ValidUntil = now.AddDays(-35),
            });
        }
        db.ComplianceExceptions.Add(new ControlException
        {
            Id = Guid.NewGuid(), ControlId = "keys-expire", Scope = "*", Reason = "Legacy payment terminals cannot take an expiring key until the March firmware.",
            RequestedBy = "dev.payments@demo.example", RequestedAt = now.AddDays(-10), ApprovedBy = "paul.approver@demo.example", ApprovedAt = now.AddDays(-9),
            ExpiresAt = now.AddDays(80), Status = ExceptionStatuses.Approved,
        });
        db.AccessReviews.Add(new AccessReview
        {
            Id = Guid.NewGuid(), Name = "Q3 access review", StartedBy = reviewer, StartedAt = now.AddDays(-70),
            FinishedAt = now.AddDays(-62), FinishedBy = reviewer,
        });
        return history;
    }

    /// <summary>Once saved (and chained), each history item learns the audit entry that holds its hash.</summary>
    public static void LinkToChain(List<(EvidenceItem Evidence, AuditEntry Entry)> history)
    {
        foreach (var (evidence, entry) in history)
        {
            evidence.AuditSequence = entry.Sequence;
        }
    }

    private static (EvidenceItem, AuditEntry) Record(ConsoleDbContext db, AuditTrail audit, Control control, string status, string previous, DateTimeOffset at)
    {
        var payload = JsonSerializer.Serialize(new { kind = EvidenceKinds.StatusChange, control = control.Id, title = control.Title, status, previous, at, scope = ComplianceScope.Statement, demo = true },
            ComplianceEvaluator.Json);
        var sha = ControlStatusRecorder.Sha256(Encoding.UTF8.GetBytes(payload));
        var evidence = new EvidenceItem
        {
            Kind = EvidenceKinds.StatusChange, Subject = control.Id, Status = status, PreviousStatus = previous, At = at, EffectiveFrom = at, Payload = payload, Sha256 = sha,
        };
        db.ComplianceEvidence.Add(evidence);
        return (evidence, audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.ComplianceStatusChanged, "compliance_control", control.Id, Data: new { status, previous, sha256 = sha }), at));
    }
}
