using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Keys;

/// <summary>Key requests: create (with the policy's verdict), approve (which issues), reject; each audited in the same transaction.</summary>
public sealed class KeyRequests(
    ConsoleDbContext db, ApiKeyIssuer issuer, SecretPickup pickup, AuditTrail audit, KeyPolicyStore policies, KeyNotifier notifier,
    AdminPresence presence, TimeProvider clock, Caller current)
{
    public async Task<KeyRequestSummary> CreateAsync(KeyRequestCreate body, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var policy = await policies.GetAsync(ct);
        var v = new Validator();
        foreach (var scope in body.Scopes.Where(s => policy.FindScope(s) is null))
        {
            v.Add("scopes", $"'{scope}' is not in the scope catalogue. Requestable scopes: {string.Join(", ", policy.Scopes.Select(s => s.Name))}.");
        }
        if (!v.IsValid)
        {
            throw new InvalidException(v);
        }
        // Nobody asks for what they could not hold: no approver, and no policy, can then grant it to them.
        if (Grants.Beyond(caller.Grantable, body.Scopes) is { Count: > 0 } beyond)
        {
            audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRequested, "api_key_request", null, AuditOutcomes.Denied,
                Data: new { body.Environment, scopes = body.Scopes, reason = "beyond_requester", beyond }));
            await db.SaveChangesAsync(ct);
            throw new ForbiddenException("You cannot request scopes you could not hold",
                $"A key request may ask only for what its requester may be granted: {Grants.DescribeGrantable(caller.IsKey)}. "
                + $"Beyond that here: {string.Join(", ", beyond)}. Ask someone who holds them to request the key.");
        }
        var request = new KeyRequest
        {
            Id = Guid.NewGuid(),
            RequesterUserId = caller.UserId,
            Service = body.Service.Trim(),
            Environment = body.Environment,
            Scopes = string.Join(' ', body.Scopes.Distinct()),
            LifetimeDays = body.LifetimeDays,
            RateLimitPerMinute = body.RateLimitPerMinute,
            IpAllowList = body.IpAllowList is { Count: > 0 } ips ? string.Join(' ', ips.Select(i => i.Trim()).Distinct()) : null,
            Reason = body.Reason.Trim(),
            Status = KeyRequestStatuses.Pending,
            CreatedAt = clock.GetUtcNow(),
        };
        db.KeyRequests.Add(request);
        // The reason is free text a person wrote: personal data, not chained in the clear.
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRequested, "api_key_request", request.Id.ToString(),
            Data: new { request.Service, request.Environment, scopes = request.ScopeList, request.LifetimeDays, request.RateLimitPerMinute, ipAllowList = request.IpAllowListEntries },
            Personal: new { reason = request.Reason }));
        // users:manage is granted by an admin with two-factor, whatever the policy's ceiling says.
        if (!Grants.NeedsAdmin(request.ScopeList) && policy.AutoApproves(request.Environment, request.ScopeList))
        {
            request.AutoApproved = true;
            var ceiling = policy.For(request.Environment).AutoApproveUpTo;
            Approve(request, decidedBy: null, comment: $"Approved by policy: {request.Environment} keys with scopes of {ceiling?.ToString().ToLowerInvariant()} risk or lower need no approver.");
        }
        await db.SaveChangesAsync(ct);
        await (request.AutoApproved ? notifier.RequestDecidedAsync(request, ct) : notifier.RequestPendingAsync(request, ct));
        return (await SummariesAsync(db.KeyRequests.Where(r => r.Id == request.Id), ct)).Single();
    }

    public async Task<KeyRequestSummary> DecideAsync(Guid id, bool approve, string? comment, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var request = await db.KeyRequests.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException();
        if (request.RequesterUserId == caller.UserId)
        {
            // Four eyes: nobody decides their own request, whatever their roles.
            audit.Record(new AuditEvent(AuditCategories.Key, approve ? AuditActions.KeyRequestApproved : AuditActions.KeyRequestRejected, "api_key_request", id.ToString(),
                Outcome: AuditOutcomes.Denied, Data: new { reason = "own_request" }));
            await db.SaveChangesAsync(ct);
            throw new ForbiddenException("You cannot decide your own request",
                "A key request must be approved or rejected by someone other than the person who made it.");
        }
        if (request.Status != KeyRequestStatuses.Pending)
        {
            throw new ConflictException("The request was already decided",
                $"This request is {request.Status}; only pending requests can be approved or rejected.");
        }
        if (approve)
        {
            await DemandMayApproveAsync(caller, request, ct);
            Approve(request, caller.UserId, comment);
        }
        else
        {
            request.Status = KeyRequestStatuses.Rejected;
            request.DecidedAt = clock.GetUtcNow();
            request.DecidedByUserId = caller.UserId;
            request.DecisionComment = comment;
            audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRequestRejected, "api_key_request", id.ToString(),
                Data: new { requester = request.RequesterUserId }, Personal: new { comment }));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("The request was already decided", "Someone decided this request at the same time.");
        }
        await notifier.RequestDecidedAsync(request, ct);
        return (await SummariesAsync(db.KeyRequests.Where(r => r.Id == id), ct)).Single();
    }

    public Task<List<KeyRequestSummary>> ListAsync(string? status, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var query = db.KeyRequests.AsNoTracking();
        if (!caller.Can(Permissions.KeysApprove))
        {
            query = query.Where(r => r.RequesterUserId == caller.UserId);
        }
        if (status is not null)
        {
            query = query.Where(r => r.Status == status);
        }
        return SummariesAsync(query, ct);
    }

    public async Task<KeyRequestSummary?> GetAsync(Guid id, CancellationToken ct)
    {
        var caller = KeyCaller.From(current);
        var mayReadAll = caller.Can(Permissions.KeysApprove);
        var query = db.KeyRequests.AsNoTracking().Where(r => r.Id == id && (mayReadAll || r.RequesterUserId == caller.UserId));
        return (await SummariesAsync(query, ct)).SingleOrDefault();
    }

    /// <summary>One's own request only, whatever one may approve: collecting its secret is for the requester alone.</summary>
    public async Task<KeyRequestSummary?> GetOwnAsync(Guid id, CancellationToken ct)
    {
        var userId = KeyCaller.From(current).UserId;
        return (await SummariesAsync(db.KeyRequests.AsNoTracking().Where(r => r.Id == id && r.RequesterUserId == userId), ct)).SingleOrDefault();
    }

    /// <summary>An approver passes on only what they hold; users:manage only an admin signed in with two-factor. Rejecting grants nothing.</summary>
    private async Task DemandMayApproveAsync(KeyCaller caller, KeyRequest request, CancellationToken ct)
    {
        var attempted = new AuditEvent(AuditCategories.Key, AuditActions.KeyRequestApproved, "api_key_request", request.Id.ToString(),
            Data: new { requester = request.RequesterUserId, scopes = request.ScopeList });
        if (Grants.Beyond(caller.Grantable, request.ScopeList) is { Count: > 0 } beyond)
        {
            audit.Record(attempted with { Outcome = AuditOutcomes.Denied, Data = new { reason = "beyond_approver", beyond } });
            await db.SaveChangesAsync(ct);
            throw new ForbiddenException("You cannot approve scopes you do not hold",
                $"An approval passes on only what the approver may grant: {Grants.DescribeGrantable(caller.IsKey)}. "
                + $"This request also asks for {string.Join(", ", beyond)}; leave it to an approver who holds them.");
        }
        if (Grants.NeedsAdmin(request.ScopeList))
        {
            await presence.DemandAsync(caller.UserId, caller.IsKey, caller.Granted, attempted, "Approving a key with users:manage", ct);
        }
    }

    private void Approve(KeyRequest request, string? decidedBy, string? comment)
    {
        var (key, secret) = issuer.Add(new KeySpec(
            request.RequesterUserId, request.Service, request.Environment, request.ScopeList, TimeSpan.FromDays(request.LifetimeDays),
            request.Service, request.RateLimitPerMinute, request.IpAllowListEntries, RequestId: request.Id));
        key.PendingSecret = pickup.Seal(key, secret);
        request.Status = KeyRequestStatuses.Approved;
        request.DecidedAt = clock.GetUtcNow();
        request.DecidedByUserId = decidedBy;
        request.DecisionComment = comment;
        request.KeyId = key.Id;
        audit.Record(new AuditEvent(AuditCategories.Key, AuditActions.KeyRequestApproved, "api_key_request", request.Id.ToString(),
            Data: new { requester = request.RequesterUserId, keyId = key.Id, key = key.DisplayKey, autoApproved = request.AutoApproved },
            Personal: decidedBy is null ? null : new { comment }));
    }

    private async Task<List<KeyRequestSummary>> SummariesAsync(IQueryable<KeyRequest> query, CancellationToken ct)
    {
        var rows = await (from r in query
                          join u in db.Users on r.RequesterUserId equals u.Id into requesters
                          from u in requesters.DefaultIfEmpty()
                          join k in db.ApiKeys on r.KeyId equals k.Id into keys
                          from k in keys.DefaultIfEmpty()
                          orderby r.CreatedAt descending
                          select new { r, Email = u == null ? null : u.Email, AwaitingPickup = k != null && k.PendingSecret != null })
            .ToListAsync(ct);
        return [.. rows.Select(x => new KeyRequestSummary(
            x.r.Id, x.r.Service, x.r.Environment, x.r.ScopeList, x.r.LifetimeDays, x.r.RateLimitPerMinute, x.r.IpAllowListEntries,
            x.r.Reason, x.r.Status, x.r.AutoApproved, x.r.RequesterUserId, x.Email ?? "", x.r.CreatedAt, x.r.DecidedAt,
            x.r.DecidedByUserId, x.r.DecisionComment, x.r.KeyId, x.AwaitingPickup))];
    }
}
