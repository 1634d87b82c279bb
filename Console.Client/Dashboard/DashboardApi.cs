using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Dashboard;

namespace SecurityConsole.Client.Dashboard;

internal sealed class DashboardApi(ConsoleApi api) : IDashboardApi
{
    public Task<DashboardSummary> GetDashboardAsync(CancellationToken ct = default) => api.GetAsync<DashboardSummary>("api/v1/dashboard/summary", ct);
}
