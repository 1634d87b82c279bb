using SecurityConsole.Server.Common;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Fuzz.Harnesses;

/// <summary>
/// The other query strings the server reads as text: events and alerts search, alert changes, the threat views
/// (<see cref="QueryReader"/>, <see cref="ChangeCursor"/>) and the key list (<see cref="KeyListQuery"/>). Each is read
/// as its endpoint reads it; a problem must be a named parameter, and an accepted value must be usable by the query.
/// </summary>
public sealed class QueryReadersHarness : IFuzzHarness
{
    private static readonly DateTimeOffset Now = EventParserHarness.Now;

    public string Name => "query-readers";

    public void Run(ReadOnlySpan<byte> input)
    {
        var get = QueryText.Parse(input);
        EventSearch(get);
        AlertList(get);
        AlertChanges(get);
        Threats(get);
        KeyList(get);
    }

    private static void EventSearch(Func<string, string?> get)
    {
        var q = new QueryReader();
        var texts = new[]
        {
            (q.Text("type", get("type"), 66), 66), (q.Text("source", get("source"), SecurityEventLimits.MaxSourceLength), SecurityEventLimits.MaxSourceLength),
            (q.Text("actor", get("actor"), SecurityEventLimits.MaxActorLength), SecurityEventLimits.MaxActorLength),
            (q.Text("keyPrefix", get("keyPrefix"), SecurityEventLimits.MaxKeyPrefixLength), SecurityEventLimits.MaxKeyPrefixLength),
            (q.Text("sourceIp", get("sourceIp"), 45), 45),
        };
        var outcome = q.OneOf("outcome", get("outcome"), EventOutcomes.All);
        var from = q.Time("from", get("from"));
        var to = q.Time("to", get("to"));
        var before = q.Id("before", get("before"));
        var limit = q.Int("limit", get("limit"), 100, 1, 500);
        if (q.IsValid)
        {
            foreach (var (text, max) in texts)
            {
                QueryText.Queryable(text, max, "events search text");
            }
            FuzzHarnesses.Check(outcome is null || EventOutcomes.All.Contains(outcome), "outcome is documented");
            FuzzHarnesses.Check(before is null or >= 1 && limit is >= 1 and <= 500, "paging within bounds");
            _ = (from, to);
        }
    }

    private static void AlertList(Func<string, string?> get)
    {
        var q = new QueryReader();
        var severities = q.List("severity", get("severity"), AlertSeverities.All);
        var statuses = q.List("status", get("status"), AlertStatuses.All);
        var rule = q.Text("rule", get("rule"), 64);
        var kind = q.OneOf("entityKind", get("entityKind"), EntityKinds.All);
        var entity = q.Text("entity", get("entity"), 256);
        var assignee = q.Text("assignee", get("assignee"), 450);
        q.Time("from", get("from"));
        q.Time("to", get("to"));
        q.Id("before", get("before"));
        q.Int("limit", get("limit"), 50, 1, 200);
        if (q.IsValid)
        {
            FuzzHarnesses.Check(severities is null || severities.Count > 0 && severities.All(AlertSeverities.All.Contains), "severities are documented");
            FuzzHarnesses.Check(statuses is null || statuses.Count > 0 && statuses.All(AlertStatuses.All.Contains), "statuses are documented");
            FuzzHarnesses.Check(kind is null || EntityKinds.All.Contains(kind), "entity kind is documented");
            QueryText.Queryable(rule, 64, "rule");
            QueryText.Queryable(entity, 256, "entity");
            QueryText.Queryable(assignee, 450, "assignee");
        }
    }

    private static void AlertChanges(Func<string, string?> get)
    {
        if (get("since") is { Length: > 0 } since && ChangeCursor.TryParse(since, out var cursor))
        {
            FuzzHarnesses.Check(ChangeCursor.TryParse(ChangeCursor.Format(cursor.At, cursor.Id), out var again) && again == cursor, "a cursor reads back as itself");
        }
    }

    private static void Threats(Func<string, string?> get)
    {
        // Timeline, heatmap and top entities: a range (with each view's default span) and their own parameters.
        foreach (var fallback in new[] { TimeSpan.FromHours(24), TimeSpan.FromDays(30), TimeSpan.FromDays(7) })
        {
            var q = new QueryReader();
            var bucket = TimeSpan.FromMinutes(q.Int("bucketMinutes", get("bucketMinutes"), 60, 1, 10_080));
            q.Int("offsetMinutes", get("offsetMinutes"), 0, -840, 840);
            q.OneOf("kind", get("kind"), EntityKinds.All);
            var (start, end) = q.Range(get("from"), get("to"), Now, fallback, TimeSpan.FromDays(400));
            if (q.IsValid)
            {
                FuzzHarnesses.Check(start >= DateTimeOffset.UnixEpoch && start < end && end - start <= TimeSpan.FromDays(400), "an accepted range is ordered, bounded and after 1970");
                _ = (end - start) / bucket;
            }
        }
        var entity = new QueryReader();
        var id = entity.Text("id", get("id"), 256);
        entity.Int("hours", get("hours"), 48, 1, 720);
        if (entity.IsValid)
        {
            QueryText.Queryable(id, 256, "entity id");
        }
    }

    private static void KeyList(Func<string, string?> get)
    {
        var v = new Validator();
        var q = KeyListQuery.Parse(get, v);
        if (v.IsValid)
        {
            FuzzHarnesses.Check(q.Page >= 1 && q.PageSize is >= 1 and <= KeyListQuery.MaxPageSize, "paging within bounds");
            FuzzHarnesses.Check(q.Status is null || KeyStatuses.All.Contains(q.Status), "status is documented");
            FuzzHarnesses.Check(q.Environment is null || KeyEnvironments.All.Contains(q.Environment), "environment is documented");
            QueryText.Queryable(q.Owner, 450, "owner");
            QueryText.Queryable(q.Search, KeyListQuery.MaxSearchLength, "search");
        }
    }
}
