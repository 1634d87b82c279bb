namespace SecurityConsole.Shared.Detection;

/// <summary>Events and alerts per bucket, oldest first; empty buckets are present with zeros.</summary>
public sealed record TimelineBucket(DateTimeOffset Start, int Events, int Alerts);

public sealed record Timeline(DateTimeOffset From, DateTimeOffset To, int BucketMinutes, IReadOnlyList<TimelineBucket> Buckets);

/// <summary>Activity by weekday (0 = Monday) and hour, in the time zone given by the offset.</summary>
public sealed record HeatmapCell(int Weekday, int Hour, int Events);

public sealed record Heatmap(DateTimeOffset From, DateTimeOffset To, int OffsetMinutes, IReadOnlyList<HeatmapCell> Cells);

/// <remarks>
/// <see cref="Ref"/>: for a reader without pii:read, whose <see cref="Id"/> is masked, an opaque reference by which the
/// server finds the entity again (GET /threats/entity?ref=…) without the reader learning who or what it is. Null when
/// the id is in clear.
/// </remarks>
public sealed record TopEntity(string Kind, string Id, int Alerts, int Detections, string HighestSeverity, DateTimeOffset LastSeenAt, string? Ref = null);

/// <summary>One learned baseline of an entity: what a rule expects of it.</summary>
public sealed record EntityBaselineView(
    string RuleId,
    string RuleType,
    DateTimeOffset UpdatedAt,
    double? Mean,
    double? StdDev,
    int? BucketMinutes,
    long Observations,
    IReadOnlyList<double>? HourShares,
    IReadOnlyList<string>? KnownNetworks);

/// <summary>
/// One entity: its baselines against its recent activity (events per hour over the last
/// <see cref="Hours"/> hours, and per hour of day), and its alerts.
/// </summary>
public sealed record EntityProfile(
    string Kind,
    string Id,
    int Hours,
    IReadOnlyList<TimelineBucket> RecentActivity,
    IReadOnlyList<int> RecentHoursOfDay,
    IReadOnlyList<EntityBaselineView> Baselines,
    IReadOnlyList<AlertView> Alerts);
