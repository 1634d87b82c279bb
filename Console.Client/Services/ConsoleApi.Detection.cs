using System.Globalization;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Services;

/// <summary>What the Alerts list asks for; empty fields are not sent.</summary>
public sealed record AlertQuery(
    IReadOnlyList<string>? Severities = null,
    IReadOnlyList<string>? Statuses = null,
    string? Rule = null,
    string? EntityKind = null,
    string? Entity = null,
    DateTimeOffset? From = null,
    long? Before = null,
    int Limit = 50)
{
    public string ToQueryString()
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
            }
        }
        Add("severity", Severities is { Count: > 0 } s ? string.Join(',', s) : null);
        Add("status", Statuses is { Count: > 0 } st ? string.Join(',', st) : null);
        Add("rule", Rule);
        Add("entityKind", EntityKind);
        Add("entity", Entity);
        Add("from", From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        Add("before", Before?.ToString(CultureInfo.InvariantCulture));
        Add("limit", Limit.ToString(CultureInfo.InvariantCulture));
        return "?" + string.Join('&', parts);
    }
}

public partial class ConsoleApi
{
    // Alerts

    public virtual Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken ct = default) =>
        GetAsync<AlertPage>("api/v1/alerts" + query.ToQueryString(), ct);

    public virtual Task<AlertChanges> GetAlertChangesAsync(string since, CancellationToken ct = default) =>
        GetAsync<AlertChanges>($"api/v1/alerts/changes?since={Uri.EscapeDataString(since)}", ct);

    public virtual Task<DetectionSummary> GetDetectionSummaryAsync(CancellationToken ct = default) =>
        GetAsync<DetectionSummary>("api/v1/alerts/summary", ct);

    public virtual Task<List<AlertAssignee>> GetAlertAssigneesAsync(CancellationToken ct = default) =>
        GetAsync<List<AlertAssignee>>("api/v1/alerts/assignees", ct);

    public virtual Task<AlertDetail> GetAlertAsync(long id, CancellationToken ct = default) =>
        GetAsync<AlertDetail>($"api/v1/alerts/{id}", ct);

    /// <summary>One of acknowledge, resolve, false-positive, reopen, with an optional comment (required for a false positive).</summary>
    public virtual Task<AlertView> AlertActionAsync(long id, string action, string? comment, CancellationToken ct = default) =>
        SendAsync<AlertView>(HttpMethod.Post, $"api/v1/alerts/{id}/{action}", new AlertActionRequest(comment), ct);

    public virtual Task<AlertView> AssignAlertAsync(long id, string? assigneeUserId, CancellationToken ct = default) =>
        SendAsync<AlertView>(HttpMethod.Post, $"api/v1/alerts/{id}/assign", new AlertAssignRequest(assigneeUserId), ct);

    public virtual Task<AlertNoteView> AddAlertNoteAsync(long id, string text, CancellationToken ct = default) =>
        SendAsync<AlertNoteView>(HttpMethod.Post, $"api/v1/alerts/{id}/notes", new AlertNoteRequest(text), ct);

    // Rules

    public virtual Task<List<DetectionRuleView>> GetRulesAsync(CancellationToken ct = default) =>
        GetAsync<List<DetectionRuleView>>("api/v1/rules", ct);

    public virtual Task<List<RuleTypeInfo>> GetRuleTypesAsync(CancellationToken ct = default) =>
        GetAsync<List<RuleTypeInfo>>("api/v1/rules/types", ct);

    public virtual Task<DetectionRuleView> UpdateRuleAsync(string id, DetectionRuleUpdate update, CancellationToken ct = default) =>
        SendAsync<DetectionRuleView>(HttpMethod.Put, $"api/v1/rules/{Uri.EscapeDataString(id)}", update, ct);

    public virtual Task<DetectionRuleView> CreateRuleAsync(DetectionRuleCreate rule, CancellationToken ct = default) =>
        SendAsync<DetectionRuleView>(HttpMethod.Post, "api/v1/rules", rule, ct);

    public virtual Task DeleteRuleAsync(string id, CancellationToken ct = default) =>
        SendAsync<object>(HttpMethod.Delete, $"api/v1/rules/{Uri.EscapeDataString(id)}", null, ct);

    // Threats

    public virtual Task<Timeline> GetTimelineAsync(DateTimeOffset from, DateTimeOffset to, int bucketMinutes, CancellationToken ct = default) =>
        GetAsync<Timeline>($"api/v1/threats/timeline?from={Iso(from)}&to={Iso(to)}&bucketMinutes={bucketMinutes}", ct);

    public virtual Task<Heatmap> GetHeatmapAsync(DateTimeOffset from, DateTimeOffset to, int offsetMinutes, CancellationToken ct = default) =>
        GetAsync<Heatmap>($"api/v1/threats/heatmap?from={Iso(from)}&to={Iso(to)}&offsetMinutes={offsetMinutes}", ct);

    public virtual Task<List<TopEntity>> GetTopEntitiesAsync(DateTimeOffset from, DateTimeOffset to, string? kind = null, CancellationToken ct = default) =>
        GetAsync<List<TopEntity>>($"api/v1/threats/top-entities?from={Iso(from)}&to={Iso(to)}{(kind is null ? "" : "&kind=" + kind)}", ct);

    public virtual Task<EntityProfile> GetEntityProfileAsync(string kind, string id, int hours, CancellationToken ct = default) =>
        GetAsync<EntityProfile>($"api/v1/threats/entity?kind={Uri.EscapeDataString(kind)}&id={Uri.EscapeDataString(id)}&hours={hours}", ct);

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
}
