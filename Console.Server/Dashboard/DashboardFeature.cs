namespace SecurityConsole.Server.Dashboard;

/// <summary>The dashboard's services; its one endpoint is mapped by <see cref="DashboardEndpoints"/>.</summary>
public static class DashboardFeature
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<DashboardQueries>();
        return builder;
    }
}
