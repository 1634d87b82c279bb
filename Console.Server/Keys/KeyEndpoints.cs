using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Keys;

public static class KeyEndpoints
{
    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/keys")
            .WithTags("Keys")
            .AuthorizedByTable()
            .WithValidation();

        group.MapGet("/scopes", async (KeyPolicyStore policies, CancellationToken ct) => TypedResults.Ok((await policies.GetAsync(ct)).Scopes))
            .WithName("ListRequestableScopes")
            .WithSummary("The scopes a key may be requested with (the admins' catalogue), each with its risk level.");
        group.MapGet("/policy", async (KeyPolicyStore policies, CancellationToken ct) => TypedResults.Ok(await policies.GetAsync(ct)))
            .WithName("GetKeyPolicy")
            .WithSummary("The key policy: scope catalogue, and per environment the auto-approval risk ceiling and the rotation age.");
        group.MapPut("/policy", SetPolicy).WithName("SetKeyPolicy")
            .WithSummary("Replace the key policy (keys:write, as an admin signed in with two-factor, never a key). Takes effect at once on every node; "
                + "audited with before and after.");
        MapRequests(app.MapGroup($"{ApiConventions.Prefix}/key-requests"), "");
        // Renamed in issue 16; answers as before until its sunset, with Deprecation, Sunset and Link headers.
        MapRequests(app.MapGroup($"{ApiConventions.Prefix}/keys/requests"), "Deprecated");

        group.MapGet("/", ListKeys).WithName("ListKeys")
            .WithSummary("A page of keys with status, owner, scopes, age, last use, and the total: every key for keys:read, one's own otherwise; "
                + "filters, sort, page and pageSize (at most 100).");
        group.MapGet("/{id:guid}", GetKey).WithName("GetKey").WithSummary("One key, never its secret.");
        group.MapGet("/{id:guid}/usage", Usage).WithName("GetKeyUsage")
            .WithSummary("Uses per minute over the last hours (default 24, at most 720); recorded in batches, a few seconds behind.");
        group.MapPost("/{id:guid}/pickup", async Task<Results<Ok<ApiKeyIssued>, NotFound, ProblemHttpResult>> (
                Guid id, KeyManagement keys, CancellationToken ct) => TypedResults.Ok(await keys.PickUpAsync(id, ct)))
            .WithName("PickUpKey").WithSummary("The owner collects a waiting secret (after approval or rotation), exactly once.");
        group.MapPost("/{id:guid}/revoke", async Task<Results<Ok<ApiKeySummary>, NotFound, ProblemHttpResult>> (
                Guid id, RevokeKeyRequest body, KeyManagement keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.RevokeAsync(id, body.Reason, ct)))
            .WithName("RevokeKey").WithSummary("Revoke at once, with a reason (owner or keys:write).");
        group.MapPost("/{id:guid}/disable", (Guid id, DisableKeyRequest body, KeyManagement keys, CancellationToken ct) =>
                SetDisabled(keys, id, disable: true, body.Reason, ct))
            .WithName("DisableKey")
            .WithSummary("Suspend a key with a reason (owner or keys:write): verify answers disabled until it is enabled again.");
        group.MapPost("/{id:guid}/enable", (Guid id, KeyManagement keys, CancellationToken ct) =>
                SetDisabled(keys, id, disable: false, null, ct))
            .WithName("EnableKey").WithSummary("Let a disabled key work again (owner or keys:write).");
        group.MapPost("/{id:guid}/rotate", async Task<Results<Ok<KeyRotated>, NotFound, ProblemHttpResult>> (
                Guid id, RotateKeyRequest body, KeyManagement keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.RotateAsync(id, body.GraceHours ?? RotateKeyRequest.DefaultGraceHours, self: false, ct)))
            .WithName("RotateKey")
            .WithSummary("Issue a successor (picked up once) and keep the old key valid for graceHours (default 24, 0–168).");
        group.MapPost("/self/rotate", RotateSelf).WithName("RotateCallingKey")
            .WithSummary("Called with a key: rotates that key and returns the successor's secret, once.");
        group.MapPost("/leaked", async (KeyLeakReport body, KeyManagement keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.ReportLeakedAsync(body.Key, body.Source, ct)))
            .WithName("ReportLeakedKey")
            .WithSummary("A key found in the wild (from a secret scanner): revoked at once if it is live; audited.");
        // The hot path: services call it for every request they serve. It validates its body itself instead of through
        // the group's filter (same rules, same answer), so the request skips the endpoint-filter pipeline.
        app.MapGroup($"{ApiConventions.Prefix}/keys").WithTags("Keys").AuthorizedByTable()
            .MapPost("/verify", Verify).WithName("VerifyKey")
            .WithSummary("Is this key valid (for this scope, from this address)? Answers valid or a reason, with owner, scopes, expiry and remaining rate limit.");
        return app;
    }

    private static void MapRequests(RouteGroupBuilder routes, string nameSuffix)
    {
        routes.WithTags("Keys").AuthorizedByTable().WithValidation();
        routes.MapPost("/", CreateRequest).WithName("RequestKey" + nameSuffix)
            .WithSummary("Request a key; approved at once when the policy allows (non-production, low-risk scopes), else pending.");
        routes.MapGet("/", ListRequests)
            .WithName("ListKeyRequests" + nameSuffix).WithSummary("Key requests, newest first: all of them for approvers, one's own otherwise; status filters.");
        routes.MapGet("/{id:guid}", GetRequest)
            .WithName("GetKeyRequest" + nameSuffix).WithSummary("One key request.");
        routes.MapPost("/{id:guid}/approve", (Guid id, KeyRequestDecision body, KeyRequests requests, CancellationToken ct) =>
                Decide(requests, id, approve: true, body.Comment, ct))
            .WithName("ApproveKeyRequest" + nameSuffix)
            .WithSummary("Approve someone else's pending request: issues the key, whose secret waits for the requester to pick it up once.");
        routes.MapPost("/{id:guid}/reject", (Guid id, KeyRequestDecision body, KeyRequests requests, CancellationToken ct) =>
                Decide(requests, id, approve: false, body.Comment, ct))
            .WithName("RejectKeyRequest" + nameSuffix).WithSummary("Reject someone else's pending request with a comment.");
        routes.MapPost("/{id:guid}/pickup", PickUpRequest).WithName("PickUpRequestedKey" + nameSuffix)
            .WithSummary("The requester collects the issued key's secret, exactly once; afterwards 410 Gone.");
    }

    // KeyRequests and KeyManagement throw what they refuse (404, 400 with fields, 403, 409, 410), answered by Common's
    // problem handler; the unions below name those answers for the API document.
    private static async Task<Results<Created<KeyRequestSummary>, ValidationProblem, ProblemHttpResult>> CreateRequest(
        KeyRequestCreate body, KeyRequests requests, CancellationToken ct)
    {
        var summary = await requests.CreateAsync(body, ct);
        return TypedResults.Created($"{ApiConventions.Prefix}/key-requests/{summary.Id}", summary);
    }

    private static async Task<Results<Ok<KeyRequestSummary>, NotFound, ProblemHttpResult>> Decide(
        KeyRequests requests, Guid id, bool approve, string? comment, CancellationToken ct) =>
        TypedResults.Ok(await requests.DecideAsync(id, approve, comment, ct));

    private static async Task<Results<Ok<ApiKeySummary>, NotFound, ProblemHttpResult>> SetDisabled(
        KeyManagement keys, Guid id, bool disable, string? reason, CancellationToken ct) =>
        TypedResults.Ok(await keys.SetDisabledAsync(id, disable, reason, ct));

    /// <summary>The policy decides what is granted without a person, so changing it is for an admin present in person (ADR 0008).</summary>
    private static async Task<Results<Ok<KeyPolicy>, ProblemHttpResult>> SetPolicy(
        KeyPolicy body, Caller caller, AdminPresence presence, KeyPolicyStore policies, CancellationToken ct)
    {
        var attempted = new AuditEvent(AuditCategories.Admin, AuditActions.KeyPolicyChanged, "key_policy", KeyPolicyStore.SettingName);
        await presence.DemandAsync(caller, attempted, "Changing the key policy", ct);
        return TypedResults.Ok(await policies.SaveAsync(caller.UserId!, body, ct));
    }

    private static async Task<Results<Ok<List<KeyRequestSummary>>, ValidationProblem>> ListRequests(
        string? status, KeyRequests requests, CancellationToken ct)
    {
        var v = new Validator();
        if (status is not null)
        {
            v.OneOf("status", status, KeyRequestStatuses.All);
        }
        return v.IsValid
            ? TypedResults.Ok(await requests.ListAsync(status, ct))
            : ProblemHandlingExtensions.InvalidParameters(v);
    }

    private static async Task<Results<Ok<KeyRequestSummary>, NotFound>> GetRequest(Guid id, KeyRequests requests, CancellationToken ct) =>
        await requests.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<ApiKeyIssued>, NotFound, ProblemHttpResult>> PickUpRequest(
        Guid id, KeyRequests requests, KeyManagement keys, CancellationToken ct)
    {
        // Only the requester: an approver who may read the request still may not collect its secret.
        var found = await requests.GetOwnAsync(id, ct);
        if (found is null)
        {
            return TypedResults.NotFound();
        }
        if (found.KeyId is not { } keyId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to pick up yet", detail: $"The request is {found.Status}.");
        }
        return TypedResults.Ok(await keys.PickUpAsync(keyId, ct));
    }

    private static async Task<Results<Ok<KeyPage>, ValidationProblem>> ListKeys(
        [AsParameters] KeyListParameters parameters, KeyManagement keys, CancellationToken ct)
    {
        var v = new Validator();
        var query = KeyListQuery.Parse(parameters.Get, v);
        return v.IsValid
            ? TypedResults.Ok(await keys.ListAsync(query, ct))
            : ProblemHandlingExtensions.InvalidParameters(v);
    }

    private static async Task<Results<Ok<ApiKeySummary>, NotFound>> GetKey(Guid id, KeyManagement keys, CancellationToken ct) =>
        await keys.GetAsync(id, ct) is { } found ? TypedResults.Ok(found) : TypedResults.NotFound();

    private static async Task<Results<Ok<List<KeyUsagePoint>>, NotFound, ValidationProblem>> Usage(
        Guid id, int? hours, KeyManagement keys, CancellationToken ct)
    {
        var v = new Validator().Range("hours", hours ?? 24, 1, 720);
        if (!v.IsValid)
        {
            return ProblemHandlingExtensions.InvalidParameters(v);
        }
        return await keys.UsageAsync(id, hours ?? 24, ct) is { } points ? TypedResults.Ok(points) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<KeyRotated>, NotFound, ProblemHttpResult>> RotateSelf(
        RotateKeyRequest body, Caller caller, KeyManagement keys, CancellationToken ct)
    {
        if (caller.KeyId is not { } keyId)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Call this with the key to rotate",
                detail: "Self-rotation is authenticated by the key itself (Authorization: Bearer <key>); people rotate a key by its id.");
        }
        return TypedResults.Ok(await keys.RotateAsync(keyId, body.GraceHours ?? RotateKeyRequest.DefaultGraceHours, self: true, ct));
    }

    private static async Task<Results<Ok<KeyVerifyResult>, ValidationProblem>> Verify(KeyVerifyRequest body, ApiKeyVerifier verifier, CancellationToken ct)
    {
        var validation = Validator.Run(body);
        if (!validation.IsValid)
        {
            return ProblemHandlingExtensions.Invalid(validation);
        }
        var ip = body.ClientIp is null ? null : IPAddress.Parse(body.ClientIp);
        var result = await verifier.VerifyAsync(body.Key, new VerifyOptions(body.RequiredScope, ip), ct);
        var key = result.Key;
        return TypedResults.Ok(new KeyVerifyResult(
            result.Valid, result.Reason, key?.Id, key?.OwnerUserId, key?.Service, key?.Environment, key?.Scopes ?? [], key?.ExpiresAt,
            key?.RateLimitPerMinute, key?.RateLimitPerMinute is null ? null : result.RateLimitRemaining, result.RetryAfterSeconds));
    }
}
