using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Hosting;

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

    // Open to every signed-in caller, so each figure asks for the permission whose data it counts.
    private static async Task<Ok<DashboardSummary>> GetSummary(Caller caller, DashboardQueries dashboard, CancellationToken ct) =>
        TypedResults.Ok(await dashboard.SummaryAsync(caller.Granted, ct));
}
