using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
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

    private static async Task<Ok<DashboardSummary>> GetSummary(ConsoleDbContext db, KeyPolicyStore policies, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var firstDay = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-13);
        // One indexed range count per day: portable across providers and cheap at millions of entries.
        var series = new List<DailyCount>(14);
        for (var i = 0; i < 14; i++)
        {
            var day = firstDay.AddDays(i);
            var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var to = from.AddDays(1);
            series.Add(new DailyCount(day, await db.AuditEntries.CountAsync(e => e.Time >= from && e.Time < to, ct)));
        }
        return TypedResults.Ok(new DashboardSummary(
            await db.Users.CountAsync(ct),
            await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), ct),
            await db.Invitations.CountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct),
            await db.AuditEntries.LongCountAsync(ct),
            series,
            await KeyRotationPolicy.CountOverdueAsync(db.ApiKeys, await policies.GetAsync(ct), now, ct),
            await db.KeyRequests.CountAsync(r => r.Status == KeyRequestStatuses.Pending, ct)));
    }
}
