using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Dashboard;

public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{ApiConventions.Prefix}/dashboard/summary", GetSummary)
            .RequireAuthorization(Policies.SignedIn)
            .WithTags("Dashboard").WithName("GetDashboardSummary").WithSummary("Counts and the last 14 days of activity.");
        return app;
    }

    private static async Task<Ok<DashboardSummary>> GetSummary(ConsoleDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var since = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-13);
        var times = await db.AuditEntries.AsNoTracking().Where(e => e.Time >= since).Select(e => e.Time).ToListAsync(ct);
        var byDay = times.GroupBy(t => DateOnly.FromDateTime(t.UtcDateTime)).ToDictionary(g => g.Key, g => g.Count());
        var series = Enumerable.Range(0, 14)
            .Select(i => DateOnly.FromDateTime(since.UtcDateTime).AddDays(i))
            .Select(d => new DailyCount(d, byDay.GetValueOrDefault(d)))
            .ToList();
        return TypedResults.Ok(new DashboardSummary(
            await db.Users.CountAsync(ct),
            await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), ct),
            await db.Invitations.CountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct),
            await db.AuditEntries.LongCountAsync(ct),
            series));
    }
}
