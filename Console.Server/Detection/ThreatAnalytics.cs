using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Counts for the Threats views, grouped in the database: per time bucket, per weekday and hour, per entity.
/// Bucketing is provider-specific SQL (SQLite keeps times as UTC ticks, PostgreSQL as timestamptz); the rest is LINQ.
/// </summary>
public sealed class ThreatAnalytics(ConsoleDbContext db)
{
    public sealed class BucketRow
    {
        public long Bucket { get; set; }
        public int Count { get; set; }
    }

    public sealed class CellRow
    {
        public int Weekday { get; set; }
        public int Hour { get; set; }
        public int Count { get; set; }
    }

    public async Task<Timeline> TimelineAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken ct)
    {
        var events = await CountEventsAsync(db, from, to, bucket, ct);
        var alerts = await CountAsync(db, "alerts", "FirstSeenAt", null, null, from, to, bucket, ct);
        return new Timeline(from, to, (int)bucket.TotalMinutes,
            [.. events.Zip(alerts, (e, a) => new TimelineBucket(e.Start, e.Count, a.Count))]);
    }

    public async Task<Heatmap> HeatmapAsync(DateTimeOffset from, DateTimeOffset to, int offsetMinutes, CancellationToken ct)
    {
        var rows = db.Database.IsNpgsql()
            ? db.Database.SqlQueryRaw<CellRow>(
                """
                SELECT (extract(isodow from t) - 1)::int AS "Weekday", extract(hour from t)::int AS "Hour", count(*)::int AS "Count"
                FROM (SELECT ("Time" AT TIME ZONE 'UTC') + ({2} * interval '1 minute') AS t FROM security_events WHERE "Time" >= {0} AND "Time" < {1}) s
                GROUP BY 1, 2
                """, from.ToUniversalTime(), to.ToUniversalTime(), offsetMinutes)
            // Tick 0 (0001-01-01) was a Monday, so whole days since then modulo 7 give the weekday, Monday = 0.
            : db.Database.SqlQueryRaw<CellRow>(
                """
                SELECT (("Time" + {2}) / 864000000000) % 7 AS "Weekday", (("Time" + {2}) / 36000000000) % 24 AS "Hour", count(*) AS "Count"
                FROM security_events WHERE "Time" >= {0} AND "Time" < {1}
                GROUP BY 1, 2
                """, from.UtcTicks, to.UtcTicks, offsetMinutes * TimeSpan.TicksPerMinute);
        var found = (await rows.ToListAsync(ct)).ToDictionary(r => (r.Weekday, r.Hour), r => r.Count);
        var cells = new List<HeatmapCell>(7 * 24);
        for (var day = 0; day < 7; day++)
        {
            for (var hour = 0; hour < 24; hour++)
            {
                cells.Add(new HeatmapCell(day, hour, found.GetValueOrDefault((day, hour))));
            }
        }
        return new Heatmap(from, to, offsetMinutes, cells);
    }

    public async Task<List<TopEntity>> TopEntitiesAsync(string? kind, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct)
    {
        var alerts = db.Alerts.AsNoTracking().Where(a => a.LastSeenAt >= from && a.LastSeenAt < to);
        if (kind is not null)
        {
            alerts = alerts.Where(a => a.EntityKind == kind);
        }
        var rows = await alerts
            .GroupBy(a => new { a.EntityKind, a.EntityId })
            .Select(g => new
            {
                g.Key.EntityKind,
                g.Key.EntityId,
                Alerts = g.Count(),
                Detections = g.Sum(a => a.Count),
                Rank = g.Max(a => a.Severity == AlertSeverities.Critical ? 4 : a.Severity == AlertSeverities.High ? 3 : a.Severity == AlertSeverities.Medium ? 2 : 1),
                Last = g.Max(a => a.LastSeenAt),
            })
            .OrderByDescending(x => x.Alerts).ThenByDescending(x => x.Detections).ThenBy(x => x.EntityId)
            .Take(limit)
            .ToListAsync(ct);
        return [.. rows.Select(r => new TopEntity(r.EntityKind, r.EntityId, r.Alerts, r.Detections,
            AlertSeverities.All.First(s => AlertSeverities.Rank(s) == r.Rank), r.Last))];
    }

    public async Task<EntityProfile> ProfileAsync(string kind, string id, int hours, DateTimeOffset now, CancellationToken ct)
    {
        var hourStart = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var from = hourStart.AddHours(1 - hours);
        var to = hourStart.AddHours(1);
        var events = await CountAsync(db, "security_events", "Time", Column(kind), id, from, to, TimeSpan.FromHours(1), ct);
        var alerts = await CountAsync(db, "alerts", "FirstSeenAt", "EntityId", id, from, to, TimeSpan.FromHours(1), ct);
        var byHour = new int[24];
        foreach (var b in events)
        {
            byHour[b.Start.UtcDateTime.Hour] += b.Count;
        }
        var baselineRows = await (from b in db.EntityBaselines.AsNoTracking()
                                  where b.EntityKind == kind && b.EntityId == id
                                  join r in db.DetectionRules on b.RuleId equals r.Id
                                  select new { b.RuleId, r.Type, r.WindowSeconds, b.State, b.UpdatedAt }).ToListAsync(ct);
        var recentAlerts = await db.Alerts.AsNoTracking().Where(a => a.EntityKind == kind && a.EntityId == id)
            .OrderByDescending(a => a.Id).Take(20).ToViewsAsync(db, ct);
        return new EntityProfile(kind, id, hours,
            [.. events.Zip(alerts, (e, a) => new TimelineBucket(e.Start, e.Count, a.Count))], byHour,
            [.. baselineRows.Select(b => Baseline(b.RuleId, b.Type, b.WindowSeconds, b.State, b.UpdatedAt)).OfType<EntityBaselineView>()],
            [.. recentAlerts.OrderByDescending(a => a.Id)]);
    }

    /// <summary>The events of one entity.</summary>
    public static IQueryable<SecurityEvent> EventsOf(ConsoleDbContext db, string kind, string id) => kind switch
    {
        EntityKinds.Key => db.SecurityEvents.AsNoTracking().Where(e => e.KeyPrefix == id),
        EntityKinds.User => db.SecurityEvents.AsNoTracking().Where(e => e.Actor == id),
        EntityKinds.Ip => db.SecurityEvents.AsNoTracking().Where(e => e.SourceIp == id),
        _ => db.SecurityEvents.AsNoTracking().Where(e => e.Source == id),
    };

    public static Task<List<(DateTimeOffset Start, int Count)>> CountEventsAsync(
        ConsoleDbContext db, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken ct) =>
        CountAsync(db, "security_events", "Time", null, null, from, to, bucket, ct);

    /// <summary>Rows per bucket of <paramref name="bucket"/> from <paramref name="from"/>, every bucket present. Names are constants, never input.</summary>
    private static async Task<List<(DateTimeOffset Start, int Count)>> CountAsync(ConsoleDbContext db, string table, string timeColumn,
        string? filterColumn, string? filterValue, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken ct)
    {
        var filter = filterColumn is null ? "" : $"""AND "{filterColumn}" = {"{3}"}""";
        object[] Parameters(object start, object end, object size) => filterColumn is null ? [start, end, size] : [start, end, size, filterValue ?? ""];
        var sql = db.Database.IsNpgsql()
            ? $"""
              SELECT floor(extract(epoch from ("{timeColumn}" - {"{0}"})) / {"{2}"})::bigint AS "Bucket", count(*)::int AS "Count"
              FROM {table} WHERE "{timeColumn}" >= {"{0}"} AND "{timeColumn}" < {"{1}"} {filter}
              GROUP BY 1
              """
            : $"""
              SELECT ("{timeColumn}" - {"{0}"}) / {"{2}"} AS "Bucket", count(*) AS "Count"
              FROM {table} WHERE "{timeColumn}" >= {"{0}"} AND "{timeColumn}" < {"{1}"} {filter}
              GROUP BY 1
              """;
        var parameters = db.Database.IsNpgsql()
            ? Parameters(from.ToUniversalTime(), to.ToUniversalTime(), (long)bucket.TotalSeconds)
            : Parameters(from.UtcTicks, to.UtcTicks, bucket.Ticks);
        var rows = db.Database.SqlQueryRaw<BucketRow>(sql, parameters);
        var found = (await rows.ToListAsync(ct)).ToDictionary(r => r.Bucket, r => r.Count);
        var count = (int)Math.Ceiling((to - from) / bucket);
        return [.. Enumerable.Range(0, count).Select(i => (from + bucket * i, found.GetValueOrDefault(i)))];
    }

    private static string Column(string kind) => kind switch
    {
        EntityKinds.Key => "KeyPrefix",
        EntityKinds.User => "Actor",
        EntityKinds.Ip => "SourceIp",
        _ => "Source",
    };

    private static EntityBaselineView? Baseline(string ruleId, string type, int windowSeconds, string state, DateTimeOffset updatedAt)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        try
        {
            switch (type)
            {
                case RuleTypes.RateAnomaly when JsonSerializer.Deserialize<RateState>(state, json) is { } r:
                    return new EntityBaselineView(ruleId, type, updatedAt, Math.Round(r.Mean, 3), Math.Round(Math.Sqrt(r.Var), 3), windowSeconds / 60,
                        r.Learned, null, null);
                case RuleTypes.UnusualHours when JsonSerializer.Deserialize<HoursState>(state, json) is { } h:
                    return new EntityBaselineView(ruleId, type, updatedAt, null, null, null, h.Total,
                        [.. h.Hours.Select(n => h.Total == 0 ? 0 : Math.Round((double)n / h.Total, 4))], null);
                case RuleTypes.NewNetwork when JsonSerializer.Deserialize<NetworkState>(state, json) is { } n:
                    return new EntityBaselineView(ruleId, type, updatedAt, null, null, null, n.Seen, null, n.Networks);
                default:
                    return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
