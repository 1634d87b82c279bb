using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

/// <summary>The alerts of the detection feature (api/v1/alerts): the list, its changes, one alert and its triage.</summary>
public interface IAlertsApi
{
    Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken ct = default);

    /// <summary>What changed after <paramref name="since"/> (a list's cursor), for catching up after a reconnect.</summary>
    Task<AlertChanges> GetAlertChangesAsync(string since, CancellationToken ct = default);

    Task<DetectionSummary> GetDetectionSummaryAsync(CancellationToken ct = default);

    Task<List<AlertAssignee>> GetAlertAssigneesAsync(CancellationToken ct = default);

    Task<AlertDetail> GetAlertAsync(long id, CancellationToken ct = default);

    /// <summary>One of acknowledge, resolve, false-positive, reopen, with an optional comment (required for a false positive).</summary>
    Task<AlertView> AlertActionAsync(long id, string action, string? comment, CancellationToken ct = default);

    Task<AlertView> AssignAlertAsync(long id, string? assigneeUserId, CancellationToken ct = default);

    Task<AlertNoteView> AddAlertNoteAsync(long id, string text, CancellationToken ct = default);
}
