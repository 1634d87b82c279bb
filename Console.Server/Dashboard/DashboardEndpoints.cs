using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Dashboard;

public static class DashboardEndpoints
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{ApiConventions.Prefix}/dashboard/summary", GetSummary)
            .AuthorizedByTable()
            .WithTags("Dashboard").WithName("GetDashboardSummary")
            .WithSummary("Counts and the last 14 days of activity; each figure only for callers with the permission that reveals it, else null.");
        return app;
    }

    private static async Task<Ok<DashboardSummary>> GetSummary(
        ClaimsPrincipal user, ConsoleDbContext db, KeyPolicyStore policies, TimeProvider clock, CancellationToken ct)
    {
        // Open to every signed-in caller, so each figure asks for the permission whose data it counts.
        bool May(string permission) => user.HasClaim(Permissions.ClaimType, permission);
        var now = clock.GetUtcNow();
        var people = May(Permissions.UsersManage);
        var keys = May(Permissions.KeysRead);
        var audit = May(Permissions.AuditRead);
        return TypedResults.Ok(new DashboardSummary(
            people ? await db.Users.CountAsync(ct) : null,
            keys ? await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), ct) : null,
            people ? await db.Invitations.CountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct) : null,
            audit ? await db.AuditEntries.LongCountAsync(ct) : null,
            audit ? await AuditActivityAsync(db, now, ct) : null,
            keys ? await KeyRotationPolicy.CountOverdueAsync(db.ApiKeys, await policies.GetAsync(ct), now, ct) : null,
            May(Permissions.KeysApprove) ? await db.KeyRequests.CountAsync(r => r.Status == KeyRequestStatuses.Pending, ct) : null));
    }

    private static async Task<List<DailyCount>> AuditActivityAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct)
    {
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
        return series;
    }
}
