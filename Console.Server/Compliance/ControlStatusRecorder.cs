using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Aggregates every control from the stored check results, attestations and exceptions, and records each control whose
/// status changed, in one transaction: the new state, an evidence item (its SHA-256 in the audit entry), the audit entry
/// and an alert in the live feed. After the commit the change goes to open pages and the alert to the analysts.
/// </summary>
public sealed class ControlStatusRecorder(
    ConsoleDbContext db, ComplianceCatalogue catalogue, AuditTrail audit, ConsoleAlerts alerts,
    AlertBroadcaster alertBroadcaster, ComplianceBroadcaster broadcaster, ILogger<ControlStatusRecorder> logger)
{
    /// <summary>The alert source (rule id) of compliance alerts.</summary>
    public const string AlertSource = "compliance";

    /// <summary>How often a recording that lost a race to another node's is compared again with what that one stored.</summary>
    private const int Attempts = 3;

    public async Task<IReadOnlyList<ComplianceChange>> RecordAsync(DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RecordOnceAsync(now, ct);
            }
            catch (DbUpdateConcurrencyException ex) when (attempt < Attempts)
            {
                // Another evaluation (another node's) recorded a change of these controls first. What it recorded may not
                // be what the stored check results say now: compare again, from what is stored, rather than drop a change.
                logger.LogInformation(ex, "Compliance: another evaluation recorded a change first; comparing again ({Attempt} of {Attempts})", attempt + 1, Attempts);
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException ex)
            {
                logger.LogWarning(ex, "Compliance: lost {Attempts} races to record status changes; the next evaluation records them", Attempts);
                db.ChangeTracker.Clear();
                return [];
            }
        }
    }

    private async Task<IReadOnlyList<ComplianceChange>> RecordOnceAsync(DateTimeOffset now, CancellationToken ct)
    {
        // Read, compared and written under the lock: another node's recording waits, then finds what this one stored.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ComplianceStateLock.TakeAsync(db, ct);
        var snapshot = await ComplianceSnapshot.LoadAsync(db, now, ct);
        var stored = await db.ComplianceControlStates.ToDictionaryAsync(s => s.ControlId, ct);
        var changes = new List<(Control Control, string Status, string Previous)>();
        foreach (var control in catalogue.Controls)
        {
            var status = snapshot.ControlStatus(control);
            var previous = stored.GetValueOrDefault(control.Id)?.Status;
            if (status != previous)
            {
                changes.Add((control, status, previous ?? ComplianceStatuses.NotApplicable));
            }
        }
        if (changes.Count == 0)
        {
            return [];
        }
        var result = new List<ComplianceChange>();
        var changedAlerts = new List<Alert>();
        // Every changed control in a handful of statements, not a handful per control (a new console records forty
        // baselines at once): the previous evidence of those controls closed in one UPDATE, the new states and evidence
        // saved together, then the audit entries and alerts, then each evidence's place in the chain.
        var ids = changes.Select(c => c.Control.Id).ToList();
        await db.ComplianceEvidence.Where(e => e.Kind == EvidenceKinds.StatusChange && ids.Contains(e.Subject) && e.EffectiveTo == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.EffectiveTo, now), ct);
        var evidence = new List<EvidenceItem>(changes.Count);
        foreach (var (control, status, previous) in changes)
        {
            if (!stored.TryGetValue(control.Id, out var state))
            {
                state = new ControlState { ControlId = control.Id, Status = status };
                db.ComplianceControlStates.Add(state);
            }
            state.Status = status;
            state.ChangedAt = now;
            state.Version++;
            var item = Evidence(control, status, previous, snapshot, now);
            db.ComplianceEvidence.Add(item);
            evidence.Add(item);
        }
        await db.SaveChangesAsync(ct);
        // Only a control with an open or acknowledged alert has one to close.
        var withAlerts = await alerts.WithActiveAlertsAsync(AlertSource, EntityKinds.Control, ids, ct);
        var entries = new List<AuditEntry>(changes.Count);
        for (var i = 0; i < changes.Count; i++)
        {
            var (control, status, previous) = changes[i];
            var item = evidence[i];
            entries.Add(audit.Record(new AuditEvent(AuditCategories.Security, AuditActions.ComplianceStatusChanged, "compliance_control", control.Id,
                Data: new { status, previous, evidence = item.Id, sha256 = item.Sha256 })));
            // A control's first evaluation with something to evaluate is its baseline: recorded, audited and shown on
            // the compliance pages, but not an alert. A new console (or a control that comes into scope with the
            // first account or key) is not news, and a dozen baseline alerts would bury the one that is. A control
            // passing again closes its open alert; any other change raises one (docs/compliance.md, "Alerts").
            var baseline = previous == ComplianceStatuses.NotApplicable;
            if (ComplianceStatuses.IsPassing(status) || status == ComplianceStatuses.NotApplicable)
            {
                if (withAlerts.Contains(control.Id))
                {
                    changedAlerts.AddRange(await alerts.ResolveAsync(AlertSource, EntityKinds.Control, control.Id,
                        $"{Title(control, status)}. Evidence #{item.Id} (SHA-256 {item.Sha256[..12]}…).", ct));
                }
            }
            else if (!baseline)
            {
                changedAlerts.Add(await alerts.RaiseAsync(AlertSource, Severity(status), EntityKinds.Control, control.Id, Title(control, status),
                    $"Was {ComplianceStatuses.Display(previous).ToLowerInvariant()}. Evidence #{item.Id} (SHA-256 {item.Sha256[..12]}…), scope: this console.",
                    new { control = control.Id, status, previous, evidence = item.Id }, ct));
            }
            result.Add(new ComplianceChange(control.Id, control.Title, status, previous, now));
        }
        await db.SaveChangesAsync(ct);
        for (var i = 0; i < evidence.Count; i++)
        {
            evidence[i].AuditSequence = entries[i].Sequence;
        }
        await db.SaveChangesAsync(ct);
        // The alerts as written, read before the commit: the broadcast after it sends these, without reading them again.
        var alertViews = await alerts.ViewsAsync(changedAlerts, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Compliance: {Count} controls changed status ({Controls})", result.Count, string.Join(", ", result.Select(c => $"{c.Control}={c.Status}")));
        await broadcaster.ChangedAsync(result, ct);
        await alertBroadcaster.BroadcastAsync(alertViews, ct);
        return result;
    }

    /// <summary>The evidence of a status change: the control and the latest result of each of its checks, failing rows included.</summary>
    private static EvidenceItem Evidence(Control control, string status, string previous, ComplianceSnapshot snapshot, DateTimeOffset now)
    {
        var payload = JsonSerializer.Serialize(new
        {
            kind = EvidenceKinds.StatusChange,
            control = control.Id,
            title = control.Title,
            status,
            previous,
            at = now,
            scope = ComplianceScope.Statement,
            checks = control.Checks.Select(id => snapshot.Checks.GetValueOrDefault(id) is { } c
                ? new { id, status = c.Status, failing = c.Failing, rows = ControlAggregation.Rows(c.Rows).Where(r => r.Status == ComplianceStatuses.Fail).Take(100).ToList() }
                : new { id, status = ComplianceStatuses.Error, failing = 0, rows = new List<CheckRowView>() }),
        }, ComplianceEvaluator.Json);
        return new EvidenceItem
        {
            Kind = EvidenceKinds.StatusChange,
            Subject = control.Id,
            Status = status,
            PreviousStatus = previous,
            At = now,
            EffectiveFrom = now,
            Payload = payload,
            Sha256 = Sha256(Encoding.UTF8.GetBytes(payload)),
        };
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Severity(string status) => status switch
    {
        ComplianceStatuses.Fail => AlertSeverities.High,
        ComplianceStatuses.Error or ComplianceStatuses.ManualDue => AlertSeverities.Medium,
        _ => AlertSeverities.Low,
    };

    private static string Title(Control control, string status) => status switch
    {
        ComplianceStatuses.Fail => $"Compliance control failing: {control.Title}",
        ComplianceStatuses.Error => $"Compliance control could not be evaluated: {control.Title}",
        ComplianceStatuses.ManualDue => $"Compliance attestation due: {control.Title}",
        ComplianceStatuses.Excepted => $"Compliance control excepted: {control.Title}",
        _ => $"Compliance control {ComplianceStatuses.Display(status).ToLowerInvariant()}: {control.Title}",
    };
}

public static class EvidenceKinds
{
    public const string StatusChange = "status_change";
    public const string Attestation = "attestation";
    public const string Exception = "exception";
    public const string File = "file";
    public const string AccessReview = "access_review";
}
