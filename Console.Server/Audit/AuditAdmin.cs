using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>Retention settings, legal holds and erasure: each change audited in its own transaction.</summary>
public sealed class AuditAdmin(ConsoleDbContext db, AuditTrail audit, AuditKeys keys, Caller caller, IRetentionFloors floorSource, TimeProvider clock)
{
    public async Task<RetentionPolicy> PolicyAsync(CancellationToken ct)
    {
        var settings = await db.AuditRetention.AsNoTracking().ToDictionaryAsync(r => r.Category, r => r.Days, ct);
        var hold = await ActiveHoldAsync(ct);
        var floors = await floorSource.AllAsync(ct);
        return new RetentionPolicy(
            [.. AuditCategoryNames.All.Select(c => new CategoryRetention(
                c, settings.GetValueOrDefault(c, AuditRetentionDefaults.All[c]), RetentionFloors.FloorDays(floors, c),
                [.. RetentionFloors.For(floors, c).Select(f => new RetentionFloorView(f.Framework, f.Requirement, f.Days))]))],
            hold is null ? null : HoldView(hold));
    }

    /// <summary>What placing a legal hold came to: the new hold, or (not placed) the one already active.</summary>
    public sealed record HoldOutcome(LegalHoldView Hold, bool Placed);

    public async Task<RetentionPolicy> SetRetentionAsync(SetRetentionRequest request, CancellationToken ct)
    {
        // Never below the floor of an enabled framework: its file says how long the category must be kept.
        var floors = await floorSource.AllAsync(ct);
        var v = new SecurityConsole.Shared.Validation.Validator();
        for (var i = 0; i < request.Categories.Count; i++)
        {
            var c = request.Categories[i];
            var floor = RetentionFloors.FloorDays(floors, c.Category);
            if (c.Days < floor)
            {
                var by = string.Join(", ", RetentionFloors.For(floors, c.Category).Where(f => f.Days > c.Days).Select(f => $"{f.Framework} ({f.Days} days)"));
                v.Add($"categories[{i}].days", $"'{c.Category}' must be kept at least {floor} days: required by {by}.");
            }
        }
        if (!v.IsValid)
        {
            throw new InvalidException(v);
        }
        var rows = await db.AuditRetention.ToDictionaryAsync(r => r.Category, ct);
        var changes = new List<object>();
        foreach (var setting in request.Categories)
        {
            if (!rows.TryGetValue(setting.Category, out var row))
            {
                row = new AuditRetentionSetting { Category = setting.Category, Days = AuditRetentionDefaults.All[setting.Category] };
                db.AuditRetention.Add(row);
            }
            if (row.Days != setting.Days || db.Entry(row).State == EntityState.Added)
            {
                changes.Add(new { category = setting.Category, from = row.Days, to = setting.Days });
                row.Days = setting.Days;
            }
        }
        if (changes.Count > 0)
        {
            audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditRetentionChanged, "audit_retention", null, Data: new { changes }));
            await db.SaveChangesAsync(ct);
        }
        return await PolicyAsync(ct);
    }

    public async Task<HoldOutcome> PlaceHoldAsync(LegalHoldRequest request, CancellationToken ct)
    {
        if (await ActiveHoldAsync(ct) is { } existing)
        {
            return new HoldOutcome(HoldView(existing), Placed: false);
        }
        var actor = caller.Current;
        var hold = new AuditLegalHold { Id = Guid.NewGuid(), Reason = request.Reason.Trim(), PlacedBy = $"{actor.Type}:{actor.Id}", PlacedAt = clock.GetUtcNow() };
        db.AuditLegalHolds.Add(hold);
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditLegalHoldPlaced, "legal_hold", hold.Id.ToString(), Personal: new { reason = hold.Reason }));
        await db.SaveChangesAsync(ct);
        return new HoldOutcome(HoldView(hold), Placed: true);
    }

    public async Task LiftHoldAsync(LegalHoldRequest request, CancellationToken ct)
    {
        var active = await db.AuditLegalHolds.Where(h => h.LiftedAt == null).ToListAsync(ct);
        if (active.Count == 0)
        {
            throw new NotFoundException();
        }
        var actor = caller.Current;
        foreach (var hold in active)
        {
            hold.LiftedAt = clock.GetUtcNow();
            hold.LiftedBy = $"{actor.Type}:{actor.Id}";
            hold.LiftReason = request.Reason.Trim();
            audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditLegalHoldLifted, "legal_hold", hold.Id.ToString(), Personal: new { reason = hold.LiftReason }));
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// GDPR erasure: destroys every key of the subject (as user and as email address). The ciphertext
    /// stays in the chain, so the chain still verifies, but nothing can read it any more.
    /// </summary>
    public async Task<ErasureResult> EraseAsync(ErasureRequest request, CancellationToken ct)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        var userId = request.UserId?.Trim();
        var email = request.Email?.Trim();
        if (!string.IsNullOrEmpty(userId))
        {
            subjects.Add(AuditTrail.UserSubject(userId));
            email ??= await db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
        }
        if (!string.IsNullOrEmpty(email))
        {
            subjects.Add(AuditTrail.EmailSubject(email));
            var normalized = email.ToUpperInvariant();
            if (await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct) is { } id)
            {
                subjects.Add(AuditTrail.UserSubject(id));
            }
        }
        var pseudonymKey = await keys.PseudonymKeyAsync(ct);
        var pseudonyms = subjects.Select(s => AuditKeys.Pseudonym(pseudonymKey, s)).ToList();
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var destroyed = await db.AuditSubjectKeys.Where(k => pseudonyms.Contains(k.Pseudonym) && k.ProtectedKey != null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.ProtectedKey, (string?)null).SetProperty(k => k.ErasedAt, now), ct);
        var entries = await db.AuditEntries.LongCountAsync(e => e.Subject != null && pseudonyms.Contains(e.Subject), ct);
        audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.AuditSubjectErased, "data_subject", pseudonyms.FirstOrDefault(),
            Data: new { keysDestroyed = destroyed, entriesAffected = entries, pseudonyms }, Personal: new { reason = request.Reason.Trim() }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new ErasureResult(destroyed, entries);
    }

    private Task<AuditLegalHold?> ActiveHoldAsync(CancellationToken ct) =>
        db.AuditLegalHolds.AsNoTracking().Where(h => h.LiftedAt == null).OrderBy(h => h.PlacedAt).FirstOrDefaultAsync(ct);

    internal static LegalHoldView HoldView(AuditLegalHold h) => new(h.Id, h.Reason, h.PlacedBy, h.PlacedAt);
}
