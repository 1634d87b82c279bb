using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Alerts;

/// <summary>
/// The alerts a screen shows, newest first, merged from the first page, live changes and catch-up:
/// an alert heard of twice keeps its higher version; one that no longer matches the filters leaves.
/// </summary>
public sealed class AlertFeed
{
    private readonly Dictionary<long, AlertView> _byId = [];
    private readonly HashSet<long> _fresh = [];

    public AlertQuery Query { get; private set; } = new();

    public IReadOnlyList<AlertView> Items { get; private set; } = [];

    /// <summary>Ids that arrived live since the page loaded: shown with a highlight.</summary>
    public bool IsFresh(long id) => _fresh.Contains(id);

    public void Reset(AlertQuery query, IEnumerable<AlertView> items)
    {
        Query = query;
        _byId.Clear();
        _fresh.Clear();
        foreach (var alert in items)
        {
            _byId[alert.Id] = alert;
        }
        Sort();
    }

    public void Append(IEnumerable<AlertView> older)
    {
        foreach (var alert in older)
        {
            _byId.TryAdd(alert.Id, alert);
        }
        Sort();
    }

    /// <summary>Applies a live or caught-up change; true when the alert is new to this screen and matches it.</summary>
    public bool Apply(AlertView alert, bool live = true)
    {
        var known = _byId.TryGetValue(alert.Id, out var current);
        if (known && current!.Version >= alert.Version)
        {
            return false;
        }
        if (!Matches(alert))
        {
            if (known)
            {
                _byId.Remove(alert.Id);
                Sort();
            }
            return false;
        }
        _byId[alert.Id] = alert;
        if (live && (!known || alert.Count != current!.Count))
        {
            _fresh.Add(alert.Id);
        }
        Sort();
        return !known;
    }

    public AlertView? Find(long id) => _byId.GetValueOrDefault(id);

    public bool Matches(AlertView alert) =>
        (Query.Severities is not { Count: > 0 } s || s.Contains(alert.Severity))
        && (Query.Statuses is not { Count: > 0 } st || st.Contains(alert.Status))
        && (string.IsNullOrWhiteSpace(Query.Rule) || alert.RuleId == Query.Rule)
        && (string.IsNullOrWhiteSpace(Query.EntityKind) || alert.EntityKind == Query.EntityKind)
        && (string.IsNullOrWhiteSpace(Query.Entity) || alert.EntityId == Query.Entity.Trim())
        && (Query.From is not { } from || alert.LastSeenAt >= from);

    /// <summary>Open and acknowledged alerts first, newest first within each; closed ones below them (and dimmed by the row).</summary>
    private void Sort() => Items = [.. _byId.Values.OrderByDescending(a => AlertStatuses.IsActive(a.Status)).ThenByDescending(a => a.Id)];
}
