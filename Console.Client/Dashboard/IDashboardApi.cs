using SecurityConsole.Shared.Dashboard;

namespace SecurityConsole.Client.Dashboard;

/// <summary>The dashboard feature of the API (api/v1/dashboard): the figures the caller may see.</summary>
public interface IDashboardApi
{
    Task<DashboardSummary> GetDashboardAsync(CancellationToken ct = default);
}
