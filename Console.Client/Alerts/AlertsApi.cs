using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

internal sealed class AlertsApi(ConsoleApi api) : IAlertsApi
{
    public Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken ct = default) =>
        api.GetAsync<AlertPage>("api/v1/alerts" + query.ToQueryString(), ct);

    public Task<AlertChanges> GetAlertChangesAsync(string since, CancellationToken ct = default) =>
        api.GetAsync<AlertChanges>($"api/v1/alerts/changes?since={Uri.EscapeDataString(since)}", ct);

    public Task<DetectionSummary> GetDetectionSummaryAsync(CancellationToken ct = default) =>
        api.GetAsync<DetectionSummary>("api/v1/alerts/summary", ct);

    public Task<List<AlertAssignee>> GetAlertAssigneesAsync(CancellationToken ct = default) =>
        api.GetAsync<List<AlertAssignee>>("api/v1/alerts/assignees", ct);

    public Task<AlertDetail> GetAlertAsync(long id, CancellationToken ct = default) => api.GetAsync<AlertDetail>($"api/v1/alerts/{id}", ct);

    public Task<AlertView> AlertActionAsync(long id, string action, string? comment, CancellationToken ct = default) =>
        api.SendAsync<AlertView>(HttpMethod.Post, $"api/v1/alerts/{id}/{action}", new AlertActionRequest(comment), ct);

    public Task<AlertView> AssignAlertAsync(long id, string? assigneeUserId, CancellationToken ct = default) =>
        api.SendAsync<AlertView>(HttpMethod.Post, $"api/v1/alerts/{id}/assign", new AlertAssignRequest(assigneeUserId), ct);

    public Task<AlertNoteView> AddAlertNoteAsync(long id, string text, CancellationToken ct = default) =>
        api.SendAsync<AlertNoteView>(HttpMethod.Post, $"api/v1/alerts/{id}/notes", new AlertNoteRequest(text), ct);
}
