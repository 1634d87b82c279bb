using SecurityConsole.Client.Admin;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Audit;
using SecurityConsole.Client.Compliance;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Reports;
using SecurityConsole.Client.Threats;

namespace SecurityConsole.Client.Services;

public static class ConsoleApiRegistration
{
    /// <summary>One transport for the console's API, and one client per feature behind the interface its pages inject.</summary>
    public static IServiceCollection AddConsoleApi(this IServiceCollection services, Uri baseAddress)
    {
        services.AddScoped(_ => new ConsoleApi(new HttpClient(new ConsoleRequestHandler { InnerHandler = new HttpClientHandler() })
        {
            BaseAddress = baseAddress,
        }));
        services.AddScoped<IDashboardApi, DashboardApi>();
        services.AddScoped<IUsersApi, UsersApi>();
        services.AddScoped<IAuditApi, AuditApi>();
        services.AddScoped<IKeysApi, KeysApi>();
        services.AddScoped<IAlertsApi, AlertsApi>();
        services.AddScoped<IRulesApi, RulesApi>();
        services.AddScoped<IThreatsApi, ThreatsApi>();
        services.AddScoped<IComplianceApi, ComplianceApi>();
        services.AddScoped<IReportsApi, ReportsApi>();
        return services;
    }
}
