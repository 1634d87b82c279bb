using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;
using D = SecurityConsole.Shared.Compliance.AccessReviewDecisions;
using K = SecurityConsole.Shared.Compliance.AccessReviewKinds;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Access review campaigns: every user's roles and every live key's scopes as they were at the start, each confirmed or
/// revoked by a reviewer. A revoke goes through the Users and Keys features' own actions (role change, key revoke), with
/// their rules and the reviewer's permissions, in the transaction that records the decision and its audit entry.
/// Finishing a campaign is evidence and satisfies the access-review check.
/// </summary>
public sealed class AccessReviews(
    ConsoleDbContext db, UserFacts userFacts, KeyComplianceFacts keyFacts, UserAdmin userAdmin, KeyManagement keys, AuditTrail audit, AuditNames names,
    Caller caller, TimeProvider clock)
{
    public const int MaxPageSize = 500;

    public async Task<AccessReviewSummary> StartAsync(string userId, StartAccessReviewRequest request, CancellationToken ct)
    {
        if (await db.AccessReviews.AnyAsync(r => r.FinishedAt == null, ct))
        {
            throw new ConflictException("A review is under way", "Finish the access review that is under way before starting another.");
        }
        var now = clock.GetUtcNow();
        var review = new AccessReview { Id = Guid.NewGuid(), Name = request.Name.Trim(), StartedBy = userId, StartedAt = now };
        var items = (await userFacts.AllAsync(ct)).Where(u => u.Roles.Count > 0)
            .Select(u => new AccessReviewItem { ReviewId = review.Id, Kind = K.User, ResourceId = u.Id, Owner = u.Id, Label = Cut(u.Email, 300), Grants = Cut(string.Join(' ', u.Roles), 1024) })
            .Concat((await keyFacts.LiveAsync(ct)).OrderBy(k => k.Environment, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal)
                .Select(k => new AccessReviewItem
                {
                    ReviewId = review.Id, Kind = K.Key, ResourceId = k.Id.ToString(), Owner = k.OwnerUserId, Label = Cut($"{k.DisplayKey} {k.Name} ({k.Environment})", 300),
                    Grants = Cut(string.Join(' ', k.Scopes), 1024),
                }))
            .ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.AccessReviews.Add(review);
        db.AccessReviewItems.AddRange(items);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceAccessReviewStarted, "access_review", review.Id.ToString(),
            Data: new { name = review.Name, users = items.Count(i => i.Kind == K.User), keys = items.Count(i => i.Kind == K.Key) }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await SummaryAsync(review, ct);
    }

    public async Task<IReadOnlyList<AccessReviewSummary>> ListAsync(CancellationToken ct)
    {
        var reviews = await db.AccessReviews.AsNoTracking().OrderByDescending(r => r.StartedAt).Take(100).ToListAsync(ct);
        var people = await PeopleAsync(reviews.SelectMany(r => new[] { r.StartedBy, r.FinishedBy }), ct);
        var list = new List<AccessReviewSummary>();
        foreach (var review in reviews)
        {
            list.Add(await SummaryAsync(review, people, ct));
        }
        return list;
    }

    public async Task<AccessReviewDetail?> GetAsync(Guid id, bool undecidedOnly, int page, int pageSize, CancellationToken ct)
    {
        var review = await db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (review is null)
        {
            return null;
        }
        var items = db.AccessReviewItems.AsNoTracking().Where(i => i.ReviewId == id && (!undecidedOnly || i.Decision == null));
        var total = await items.CountAsync(ct);
        var rows = await items.OrderBy(i => i.Id).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        var people = await PeopleAsync(rows.Select(i => i.DecidedBy).Concat(rows.Where(i => i.Kind == K.User).Select(i => i.ResourceId))
            .Append(review.StartedBy).Append(review.FinishedBy), ct);
        return new AccessReviewDetail(await SummaryAsync(review, people, ct), [.. rows.Select(i => View(i, people))], total, page, pageSize);
    }

    public async Task<AccessReviewItemView> DecideAsync(
        Guid reviewId, long itemId, string callerId, AccessReviewDecision decision, CancellationToken ct)
    {
        var review = await db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reviewId, ct);
        var item = await db.AccessReviewItems.FirstOrDefaultAsync(i => i.Id == itemId && i.ReviewId == reviewId, ct);
        if (review is null || item is null)
        {
            throw new NotFoundException();
        }
        if (review.FinishedAt is not null || item.Decision is not null)
        {
            var by = item.DecidedBy is null ? "someone" : (await PeopleAsync([item.DecidedBy], ct)).GetValueOrDefault(item.DecidedBy, "someone");
            throw new ConflictException("Already decided",
                review.FinishedAt is not null ? "The review is finished." : $"This item was {item.Decision}d by {by} at {item.DecidedAt:O}.");
        }
        if (decision.Decision == D.Confirm && item.Owner == callerId)
        {
            // Four eyes, as for key approvals and exceptions: nobody confirms their own access.
            throw new ForbiddenException("You cannot confirm your own access", "Another reviewer confirms your roles and keys.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A revoke that is refused throws, and the transaction rolls back with whatever it had written.
        string[] revoked = decision.Decision != D.Revoke ? []
            : item.Kind == K.User ? await RevokeRolesAsync(item, decision, ct) : await RevokeKeyAsync(item, decision, ct);
        item.Decision = decision.Decision;
        item.Revoked = revoked.Length == 0 ? null : string.Join(' ', revoked);
        item.DecidedBy = callerId;
        item.DecidedAt = clock.GetUtcNow();
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceAccessReviewDecided, "access_review", reviewId.ToString(),
            Data: new { item = item.Id, kind = item.Kind, resource = item.ResourceId, decision = item.Decision, revoked }, Personal: new { reason = decision.Reason }));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another reviewer decided the same item at the same moment; their decision and its change stand.
            throw new ConflictException("Already decided", "Another reviewer decided this item a moment ago.");
        }
        await tx.CommitAsync(ct);
        return View(item, await PeopleAsync([item.DecidedBy, item.Kind == K.User ? item.ResourceId : null], ct));
    }

    public async Task<AccessReviewSummary> FinishAsync(Guid id, string userId, CancellationToken ct)
    {
        var review = await db.AccessReviews.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException();
        if (review.FinishedAt is not null)
        {
            throw new ConflictException("Already finished", $"The review was finished at {review.FinishedAt:O}.");
        }
        var open = await db.AccessReviewItems.CountAsync(i => i.ReviewId == id && i.Decision == null, ct);
        if (open > 0)
        {
            throw new ConflictException("The review is not complete", $"{open} item(s) are still to be confirmed or revoked.");
        }
        var now = clock.GetUtcNow();
        var decisions = await db.AccessReviewItems.AsNoTracking().Where(i => i.ReviewId == id).OrderBy(i => i.Id)
            .Select(i => new { i.Kind, i.ResourceId, i.Grants, i.Decision, i.Revoked, i.DecidedBy, i.DecidedAt }).ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        review.FinishedAt = now;
        review.FinishedBy = userId;
        var payload = JsonSerializer.Serialize(new
        {
            kind = EvidenceKinds.AccessReview, review = review.Id, review.Name, startedBy = review.StartedBy, review.StartedAt, finishedBy = userId, finishedAt = now,
            items = decisions,
        }, ComplianceEvaluator.Json);
        var evidence = new EvidenceItem
        {
            Kind = EvidenceKinds.AccessReview, Subject = review.Id.ToString(), At = now, EffectiveFrom = now, Payload = payload,
            Sha256 = ControlStatusRecorder.Sha256(Encoding.UTF8.GetBytes(payload)),
        };
        db.ComplianceEvidence.Add(evidence);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Already finished", "Another reviewer finished the review a moment ago.");
        }
        var entry = audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.ComplianceAccessReviewFinished, "access_review", review.Id.ToString(),
            Data: new { name = review.Name, items = decisions.Count, revoked = decisions.Count(d => d.Decision == D.Revoke), evidence = evidence.Id, sha256 = evidence.Sha256 }));
        await db.SaveChangesAsync(ct);
        evidence.AuditSequence = entry.Sequence;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await SummaryAsync(review, ct);
    }

    private async Task<string[]> RevokeRolesAsync(AccessReviewItem item, AccessReviewDecision decision, CancellationToken ct)
    {
        // Removing someone's roles is user administration: the reviewer needs that power, not only compliance:manage.
        if (!caller.Granted.Contains(Permissions.UsersManage))
        {
            throw new ForbiddenException("Revoking roles needs users:manage", "Ask someone who manages users to revoke these roles.");
        }
        var user = await userFacts.OneAsync(item.ResourceId, ct);
        var reviewed = item.Grants.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var remove = decision.Roles is { Count: > 0 } named ? named.Distinct().ToArray() : reviewed;
        if (remove.Except(reviewed).FirstOrDefault() is { } other)
        {
            throw Invalid("roles", $"'{other}' is not one of the roles under review ({string.Join(", ", reviewed)}).");
        }
        if (user is null)
        {
            return remove;
        }
        try
        {
            await userAdmin.SetRolesAsync(user.Id, [.. user.Roles.Except(remove)], ct);
        }
        catch (NotFoundException)
        {
            // Gone since the review began: nothing is left to revoke.
        }
        catch (InvalidException invalid)
        {
            throw new RefusedException("The roles cannot be removed", string.Join(" ", invalid.Errors.SelectMany(e => e.Value)));
        }
        return remove;
    }

    private async Task<string[]> RevokeKeyAsync(AccessReviewItem item, AccessReviewDecision decision, CancellationToken ct)
    {
        var scopes = item.Grants.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (decision.Roles is { Count: > 0 })
        {
            throw Invalid("roles", "A key's scopes are revoked with the key: leave the roles out.");
        }
        try
        {
            await keys.RevokeAsync(Guid.Parse(item.ResourceId), $"Access review: {decision.Reason}", ct);
        }
        catch (ConflictException)
        {
            // Revoked (or gone) since the review began: the decision stands, nothing is left to revoke.
        }
        catch (NotFoundException)
        {
            throw new ForbiddenException("Revoking this key needs keys:write", "Ask someone who manages keys to revoke it.");
        }
        return scopes;
    }

    private async Task<AccessReviewSummary> SummaryAsync(AccessReview r, CancellationToken ct) =>
        await SummaryAsync(r, await PeopleAsync([r.StartedBy, r.FinishedBy], ct), ct);

    /// <summary>
    /// The people these user ids are, named as the audit trail names them for this reader: the e-mail with pii:read, else
    /// the masked e-mail and the stable tag of the person's pseudonym; a person whose audit data was erased never by name.
    /// </summary>
    private Task<IReadOnlyDictionary<string, string>> PeopleAsync(IEnumerable<string?> userIds, CancellationToken ct) =>
        names.PeopleAsync(userIds.OfType<string>(), caller.Granted.Contains(Permissions.PiiRead), ct);

    private async Task<AccessReviewSummary> SummaryAsync(AccessReview r, IReadOnlyDictionary<string, string> people, CancellationToken ct)
    {
        var counts = await db.AccessReviewItems.AsNoTracking().Where(i => i.ReviewId == r.Id)
            .GroupBy(i => i.Decision).Select(g => new { Decision = g.Key, Count = g.Count() }).ToListAsync(ct);
        var evidence = r.FinishedAt is null ? null
            : await db.ComplianceEvidence.AsNoTracking().Where(e => e.Kind == EvidenceKinds.AccessReview && e.Subject == r.Id.ToString()).Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
        return new AccessReviewSummary(r.Id, r.Name, r.StartedBy, r.StartedAt, r.FinishedAt, r.FinishedBy, counts.Sum(c => c.Count),
            counts.Where(c => c.Decision != null).Sum(c => c.Count), counts.Where(c => c.Decision == D.Revoke).Sum(c => c.Count), evidence,
            people.GetValueOrDefault(r.StartedBy), r.FinishedBy is null ? null : people.GetValueOrDefault(r.FinishedBy));
    }

    /// <summary>An item as the reader sees it: a user's label is the person as the trail names them (masked without pii:read).</summary>
    private static AccessReviewItemView View(AccessReviewItem i, IReadOnlyDictionary<string, string> people) => new(
        i.Id, i.Kind, i.ResourceId, i.Kind == K.User ? people.GetValueOrDefault(i.ResourceId, i.Label) : i.Label,
        i.Grants.Split(' ', StringSplitOptions.RemoveEmptyEntries), i.Decision,
        i.Revoked?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], i.DecidedBy, i.DecidedAt,
        i.DecidedBy is null ? null : people.GetValueOrDefault(i.DecidedBy));

    private static InvalidException Invalid(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] }, "One or more validation errors occurred.");

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
