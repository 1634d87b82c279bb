using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Events;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Detection;

public static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/events").WithTags("Detection").AuthorizedByTable();
        group.MapPost("/", Ingest)
            .Accepts<List<SecurityEventInput>>("application/json")
            // 1000 events of at most ~5 KB each; anything larger is refused (413) before it is read.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(8 * 1024 * 1024))
            .WithName("IngestSecurityEvents")
            .WithSummary("A batch of security events (at most 1000), answered once the accepted ones are durable; a bad event is reported by index and does not sink the others.");
        group.MapGet("/", Search).WithName("SearchSecurityEvents")
            .WithSummary("Events newest first, filtered by type (exact or prefix.*), source, actor, key prefix, address, outcome and time; keyset paging with before.");
        return app;
    }

    private static async Task<Results<Ok<EventBatchResult>, ValidationProblem, ProblemHttpResult>> Ingest(
        HttpRequest request, Caller caller, ISecurityEventSink sink, EventSenders senders, TimeProvider clock, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON",
                detail: "The body must be application/json: an array of events.");
        }
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, ct);
        }
        catch (JsonException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request could not be read",
                detail: $"The body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}).");
        }
        using (document)
        {
            var v = new Validator();
            if (SecurityEventParser.EventsOf(document.RootElement, v) is not { } events)
            {
                return TypedResults.ValidationProblem(v.Errors, title: "The batch needs attention");
            }
            var keyId = caller.KeyId;
            var source = await senders.SourceOfAsync(keyId, caller.UserId, ct);
            var parsed = SecurityEventParser.Parse(events, clock.GetUtcNow(), source, keyId);
            if (parsed.Accepted.Count == 0)
            {
                var all = parsed.Errors.SelectMany(e => e.Errors).ToDictionary(e => e.Key, e => e.Value);
                return TypedResults.ValidationProblem(all, title: "No event of the batch could be accepted");
            }
            long[] ids;
            try
            {
                ids = await sink.WriteAsync(parsed.Accepted, ct);
            }
            catch (EventStoreUnavailableException)
            {
                request.HttpContext.Response.Headers.RetryAfter = DatabaseFaults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Events could not be stored",
                    detail: "Nothing of this batch was stored. Send it again in a few seconds.");
            }
            return TypedResults.Ok(new EventBatchResult(ids.Length, parsed.Errors.Count, ids, parsed.Errors));
        }
    }

    private static async Task<Results<Ok<EventPage>, ValidationProblem>> Search(
        string? type, string? source, string? actor, string? keyPrefix, string? sourceIp, string? outcome,
        string? from, string? to, string? before, string? limit, AlertQueries queries, AlertMasking masking, Caller caller, CancellationToken ct)
    {
        var q = new QueryReader();
        var filter = new EventFilter(
            q.Text("type", type, 66),
            q.Text("source", source, SecurityEventLimits.MaxSourceLength),
            q.Text("actor", actor, SecurityEventLimits.MaxActorLength),
            q.Text("keyPrefix", keyPrefix, SecurityEventLimits.MaxKeyPrefixLength),
            q.Text("sourceIp", sourceIp, 45),
            q.OneOf("outcome", outcome, EventOutcomes.All),
            q.Time("from", from),
            q.Time("to", to),
            q.Id("before", before),
            q.Int("limit", limit, 100, 1, 500));
        return q.IsValid ? TypedResults.Ok((await masking.ForAsync(caller, ct)).Events(await queries.EventsAsync(filter, ct))) : q.Problem();
    }
}

/// <summary>The default source of a batch: the sending key's service (looked up once per key), else the key or person.</summary>
public sealed class EventSenders(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<Guid, string> _services = new();

    public async Task<string> SourceOfAsync(Guid? keyId, string? userId, CancellationToken ct)
    {
        if (keyId is not { } id)
        {
            return $"user:{userId}";
        }
        if (_services.TryGetValue(id, out var known))
        {
            return known;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var key = await db.ApiKeys.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Service, x.Prefix }).FirstOrDefaultAsync(ct);
        var source = key?.Service ?? (key is null ? "unknown" : $"key:{key.Prefix}");
        if (source.Length > SecurityEventLimits.MaxSourceLength)
        {
            source = source[..SecurityEventLimits.MaxSourceLength];
        }
        return _services[id] = source;
    }
}
