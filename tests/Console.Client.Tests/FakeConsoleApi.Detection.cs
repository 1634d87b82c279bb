using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Threats;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Tests;

public sealed partial class FakeConsoleApi : IAlertsApi, IRulesApi, IThreatsApi
{
    public Func<AlertQuery, Task<AlertPage>> Alerts { get; set; } = _ => Task.FromResult(new AlertPage([], null, "0.0"));
    public Func<string, Task<AlertChanges>> AlertChanges { get; set; } = c => Task.FromResult(new AlertChanges([], c, false));
    public Func<Task<DetectionSummary>> DetectionSummary { get; set; } = NotSet<DetectionSummary>;
    public Func<long, Task<AlertDetail>> Alert { get; set; } = _ => NotSet<AlertDetail>();
    public Func<Task<List<AlertAssignee>>> Assignees { get; set; } = () => Task.FromResult(new List<AlertAssignee>());
    public Func<long, string, string?, Task<AlertView>> AlertAction { get; set; } = (_, _, _) => NotSet<AlertView>();
    public Func<long, string?, Task<AlertView>> AssignAlert { get; set; } = (_, _) => NotSet<AlertView>();
    public Func<long, string, Task<AlertNoteView>> AddNote { get; set; } = (_, _) => NotSet<AlertNoteView>();
    public Func<Task<List<DetectionRuleView>>> Rules { get; set; } = () => Task.FromResult(new List<DetectionRuleView>());
    public Func<Task<List<RuleTypeInfo>>> RuleTypes { get; set; } = () => Task.FromResult(new List<RuleTypeInfo>());
    public Func<string, DetectionRuleUpdate, Task<DetectionRuleView>> UpdateRule { get; set; } = (_, _) => NotSet<DetectionRuleView>();
    public Func<DetectionRuleCreate, Task<DetectionRuleView>> CreateRule { get; set; } = _ => NotSet<DetectionRuleView>();
    public Func<string, Task> DeleteRule { get; set; } = _ => Task.CompletedTask;
    public Func<Task<Timeline>> Timeline { get; set; } = NotSet<Timeline>;
    public Func<Task<Heatmap>> Heatmap { get; set; } = NotSet<Heatmap>;
    public Func<string?, Task<List<TopEntity>>> TopEntities { get; set; } = _ => Task.FromResult(new List<TopEntity>());
    public Func<string, string, int, Task<EntityProfile>> EntityProfile { get; set; } = (_, _, _) => NotSet<EntityProfile>();

    public List<AlertQuery> AlertQueries { get; } = [];
    public List<string> ChangeCursors { get; } = [];
    public List<(long Id, string Action, string? Comment)> AlertActions { get; } = [];
    public List<(string Id, DetectionRuleUpdate Update)> RuleUpdates { get; } = [];
    public List<(string Kind, string Id, int Hours)> ProfileRequests { get; } = [];
    public List<string?> ProfileReferences { get; } = [];
    public List<DetectionRuleCreate> RulesCreated { get; } = [];
    public List<string> RulesDeleted { get; } = [];

    public Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken ct = default)
    {
        AlertQueries.Add(query);
        return Alerts(query);
    }

    public Task<AlertChanges> GetAlertChangesAsync(string since, CancellationToken ct = default)
    {
        ChangeCursors.Add(since);
        return AlertChanges(since);
    }

    public Task<DetectionSummary> GetDetectionSummaryAsync(CancellationToken ct = default) => DetectionSummary();

    public Task<AlertDetail> GetAlertAsync(long id, CancellationToken ct = default) => Alert(id);

    public Task<List<AlertAssignee>> GetAlertAssigneesAsync(CancellationToken ct = default) => Assignees();

    public Task<AlertView> AlertActionAsync(long id, string action, string? comment, CancellationToken ct = default)
    {
        AlertActions.Add((id, action, comment));
        return AlertAction(id, action, comment);
    }

    public Task<AlertView> AssignAlertAsync(long id, string? assigneeUserId, CancellationToken ct = default) => AssignAlert(id, assigneeUserId);

    public Task<AlertNoteView> AddAlertNoteAsync(long id, string text, CancellationToken ct = default) => AddNote(id, text);

    public Task<List<DetectionRuleView>> GetRulesAsync(CancellationToken ct = default) => Rules();

    public Task<List<RuleTypeInfo>> GetRuleTypesAsync(CancellationToken ct = default) => RuleTypes();

    public Task<DetectionRuleView> UpdateRuleAsync(string id, DetectionRuleUpdate update, CancellationToken ct = default)
    {
        RuleUpdates.Add((id, update));
        return UpdateRule(id, update);
    }

    public Task<DetectionRuleView> CreateRuleAsync(DetectionRuleCreate rule, CancellationToken ct = default)
    {
        RulesCreated.Add(rule);
        return CreateRule(rule);
    }

    public Task DeleteRuleAsync(string id, CancellationToken ct = default)
    {
        RulesDeleted.Add(id);
        return DeleteRule(id);
    }

    public Task<Timeline> GetTimelineAsync(DateTimeOffset from, DateTimeOffset to, int bucketMinutes, CancellationToken ct = default) => Timeline();

    public Task<Heatmap> GetHeatmapAsync(DateTimeOffset from, DateTimeOffset to, int offsetMinutes, CancellationToken ct = default) => Heatmap();

    public Task<List<TopEntity>> GetTopEntitiesAsync(DateTimeOffset from, DateTimeOffset to, string? kind = null, CancellationToken ct = default) => TopEntities(kind);

    public Task<EntityProfile> GetEntityProfileAsync(string kind, string id, int hours, string? reference = null, CancellationToken ct = default)
    {
        ProfileRequests.Add((kind, id, hours));
        ProfileReferences.Add(reference);
        return EntityProfile(kind, id, hours);
    }
}
