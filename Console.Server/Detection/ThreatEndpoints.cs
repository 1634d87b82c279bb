using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Detection;

public static class ThreatEndpoints
{
    public static IEndpointRouteBuilder MapThreats(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/threats")
            .WithTags("Threats")
            .AuthorizedByTable();
        group.MapGet("/timeline", Timeline).WithName("GetThreatTimeline")
            .WithSummary("Events and alerts per bucket (bucketMinutes, default 60) between from and to (default the last 24 hours).");
        group.MapGet("/heatmap", Heatmap).WithName("GetActivityHeatmap")
            .WithSummary("Events by weekday (0 = Monday) and hour, shifted by offsetMinutes from UTC (default the last 30 days).");
        group.MapGet("/top-entities", Top).WithName("GetTopEntities")
            .WithSummary("Keys, users, addresses or services (kind) with the most alerts last seen between from and to (default 7 days).");
        group.MapGet("/entity", Entity).WithName("GetEntityProfile")
            .WithSummary("One entity (kind and id, or kind and the opaque ref given with a masked entity): its learned baselines against its activity per hour over the last hours (default 48), and its alerts.");
        return app;
    }

    private static async Task<Results<Ok<Timeline>, ValidationProblem>> Timeline(
        string? from, string? to, string? bucketMinutes, ThreatAnalytics analytics, TimeProvider clock, CancellationToken ct)
    {
        var q = new QueryReader();
        var bucket = TimeSpan.FromMinutes(q.Int("bucketMinutes", bucketMinutes, 60, 1, 10_080));
        var (start, end) = q.Range(from, to, clock.GetUtcNow(), TimeSpan.FromHours(24), TimeSpan.FromDays(400));
        if (q.IsValid && (end - start) / bucket > 2000)
        {
            q.Validator.Add("bucketMinutes", "Too many buckets for this range (at most 2000): choose longer buckets or a shorter range.");
        }
        return q.IsValid ? TypedResults.Ok(await analytics.TimelineAsync(start, end, bucket, ct)) : q.Problem();
    }

    private static async Task<Results<Ok<Heatmap>, ValidationProblem>> Heatmap(
        string? from, string? to, string? offsetMinutes, ThreatAnalytics analytics, TimeProvider clock, CancellationToken ct)
    {
        var q = new QueryReader();
        var offset = q.Int("offsetMinutes", offsetMinutes, 0, -840, 840);
        var (start, end) = q.Range(from, to, clock.GetUtcNow(), TimeSpan.FromDays(30), TimeSpan.FromDays(400));
        return q.IsValid ? TypedResults.Ok(await analytics.HeatmapAsync(start, end, offset, ct)) : q.Problem();
    }

    private static async Task<Results<Ok<List<TopEntity>>, ValidationProblem>> Top(
        string? kind, string? from, string? to, string? limit, ThreatAnalytics analytics, TimeProvider clock, AlertMasking masking, Caller caller,
        EntityReferences references, CancellationToken ct)
    {
        var q = new QueryReader();
        var entityKind = q.OneOf("kind", kind, EntityKinds.All);
        var take = q.Int("limit", limit, 10, 1, 100);
        var (start, end) = q.Range(from, to, clock.GetUtcNow(), TimeSpan.FromDays(7), TimeSpan.FromDays(400));
        if (!q.IsValid)
        {
            return q.Problem();
        }
        var shape = await masking.ForAsync(caller, ct);
        // A masked entity carries an opaque reference, so that the reader can open its profile without learning who it is.
        return TypedResults.Ok((await analytics.TopEntitiesAsync(entityKind, start, end, take, ct)).Select(t =>
        {
            var shown = shape.Entity(t.Kind, t.Id);
            return t with { Id = shown, Ref = shown == t.Id ? null : references.Issue(t.Kind, t.Id) };
        }).ToList());
    }

    private static async Task<Results<Ok<EntityProfile>, ValidationProblem>> Entity(
        string? kind, string? id, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "ref")] string? reference, string? hours, ThreatAnalytics analytics, TimeProvider clock,
        AlertMasking masking, Caller caller, EntityReferences references, CancellationToken ct)
    {
        var q = new QueryReader();
        if (string.IsNullOrEmpty(kind))
        {
            q.Validator.Add("kind", $"Must be one of: {string.Join(", ", EntityKinds.All)}.");
        }
        var entityKind = q.OneOf("kind", kind, EntityKinds.All);
        var entityId = q.Text("id", id, 256);
        var entityRef = q.Text("ref", reference, 2048);
        if (string.IsNullOrEmpty(id) && string.IsNullOrEmpty(reference))
        {
            q.Validator.Add("id", "This field is required (or ref, the reference given with a masked entity).");
        }
        else if (entityRef is not null && entityKind is not null)
        {
            entityId = references.Resolve(entityKind, entityRef);
            if (entityId is null)
            {
                q.Validator.Add("ref", "This reference is not one the console gave for this kind of entity, or it has expired: open the entity again from the Threats page.");
            }
        }
        var span = q.Int("hours", hours, 48, 1, 720);
        if (!q.IsValid)
        {
            return q.Problem();
        }
        var shape = await masking.ForAsync(caller, ct);
        var profile = await analytics.ProfileAsync(entityKind!, entityId!, span, clock.GetUtcNow(), ct);
        return TypedResults.Ok(profile with { Id = shape.Entity(profile.Kind, profile.Id), Alerts = [.. profile.Alerts.Select(shape.View)] });
    }
}
