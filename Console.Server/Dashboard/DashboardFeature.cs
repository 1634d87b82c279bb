using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Dashboard;

/// <summary>The dashboard: one summary endpoint whose figures each ask for the permission that reveals them.</summary>
public sealed class DashboardFeature : IConsoleFeature
{
    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings) => builder.Services.AddScoped<DashboardQueries>();

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapDashboard();
}
