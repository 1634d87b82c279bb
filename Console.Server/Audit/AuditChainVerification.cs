using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// A full verification of the chain as the trail records it (<c>audit.chain_verified</c>): when it ran, the entries it
/// covered, and intact or where it broke. The compliance chain check reads the latest one (ADR 0130).
/// </summary>
public sealed record ChainVerificationFact(
    long Sequence, DateTimeOffset At, bool Intact, long From, long Through, long Checked, long? BrokenSequence, string? Detail);

/// <summary>
/// Recurring job <c>audit-chain-verification</c> (every 30 minutes, once across the cluster): verifies the whole chain from
/// its anchor (genesis, or the signed checkpoint retention left it at) to its head, and records the outcome as an audit
/// entry in the same trail, so that the outcome is itself chained and covered by the next signed checkpoint. A broken
/// chain is recorded with outcome "failure" and the first broken entry; the entry's category (audit) tells the compliance
/// checks at once. Anyone may run it now from the Hangfire dashboard.
/// </summary>
public sealed class AuditChainVerificationJob(
    ConsoleDbContext db, AuditVerifier verifier, AuditTrail audit, Caller caller, ILogger<AuditChainVerificationJob> logger)
{
    public const string Id = "audit-chain-verification";

    /// <summary>The actor the recorded outcome names; the chain check trusts an outcome recorded by the console only.</summary>
    public const string ActorId = "audit-chain-verification";

    public Task RunAsync(CancellationToken ct) => VerifyAndRecordAsync(ct);

    /// <summary>Verifies the whole chain and records the outcome; returns it.</summary>
    public async Task<VerifyResult> VerifyAndRecordAsync(CancellationToken ct)
    {
        var result = await verifier.VerifyAsync(null, null, ct);
        caller.ActAs(Actor.System(ActorId));
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditChainVerified, "audit_trail", null,
            result.Intact ? AuditOutcomes.Success : AuditOutcomes.Failure,
            Data: new
            {
                from = result.FromSequence,
                through = result.ToSequence,
                @checked = result.Checked,
                broken = result.BrokenSequence,
                problem = result.Problem?.ToString(),
                detail = result.Detail,
            }));
        await db.SaveChangesAsync(ct);
        if (result.Intact)
        {
            logger.LogInformation("Audit chain verified in full: entries {From} to {Through} intact ({Checked} checked)", result.FromSequence, result.ToSequence, result.Checked);
        }
        else
        {
            logger.LogWarning("Audit chain broken at entry {Sequence} ({Problem}): {Detail}", result.BrokenSequence, result.Problem, result.Detail);
        }
        return result;
    }

    /// <summary>The latest outcome the job recorded, or null when it never ran (or retention has dropped its entries).</summary>
    public static async Task<ChainVerificationFact?> LatestAsync(ConsoleDbContext db, CancellationToken ct)
    {
        // The (Action, Sequence) index finds it without reading the trail.
        var e = await db.AuditEntries.AsNoTracking()
            .Where(x => x.Action == AuditActions.AuditChainVerified && x.ActorType == ActorTypes.System && x.ActorId == ActorId)
            .OrderByDescending(x => x.Sequence)
            .Select(x => new { x.Sequence, x.Time, x.Outcome, x.Data })
            .FirstOrDefaultAsync(ct);
        if (e?.Data is null)
        {
            return null;
        }
        using var json = JsonDocument.Parse(e.Data);
        var d = json.RootElement;
        long? Long(string name) => d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
        if (Long("from") is not { } from || Long("through") is not { } through)
        {
            return null;
        }
        var detail = d.TryGetProperty("detail", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        return new ChainVerificationFact(e.Sequence, e.Time, e.Outcome == AuditOutcomes.Success, from, through, Long("checked") ?? 0, Long("broken"), detail);
    }
}
