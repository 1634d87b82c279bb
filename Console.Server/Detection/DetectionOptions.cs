namespace SecurityConsole.Server.Detection;

/// <summary>Timings of the detection pipeline; the defaults suit production, tests shorten them (Detection:* settings).</summary>
public sealed record DetectionOptions
{
    /// <summary>A backlog entry older than this is taken over by any node's sweep (its writer died or fell behind).</summary>
    public TimeSpan OrphanAfter { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan BaselineFlushInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node looks for rule changes made on another node.</summary>
    public TimeSpan RulesRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>At most this many events go into one commit (group commit across requests).</summary>
    public int MaxEventsPerCommit { get; init; } = 5000;

    /// <summary>
    /// Commits of the event writer in flight at once, each with its own connection (PostgreSQL; SQLite has one writer):
    /// while one waits for its commit to be durable the next group is already being written.
    /// </summary>
    public int WriterCommits { get; init; } = 2;

    /// <summary>Off: events are stored and queued in the backlog, but this node detects nothing (tests of recovery).</summary>
    public bool PipelineEnabled { get; init; } = true;

    /// <summary>This process, as written in backlog entries; distinct per start.</summary>
    public string Node { get; } = $"{Environment.MachineName[..Math.Min(20, Environment.MachineName.Length)]}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public static DetectionOptions From(IConfiguration config)
    {
        var section = config.GetSection("Detection");
        var defaults = new DetectionOptions();
        return new DetectionOptions
        {
            OrphanAfter = Seconds(section, "OrphanAfterSeconds", defaults.OrphanAfter),
            SweepInterval = Seconds(section, "SweepIntervalSeconds", defaults.SweepInterval),
            BaselineFlushInterval = Seconds(section, "BaselineFlushSeconds", defaults.BaselineFlushInterval),
            RulesRefreshInterval = Seconds(section, "RulesRefreshSeconds", defaults.RulesRefreshInterval),
            StatsInterval = Seconds(section, "StatsSeconds", defaults.StatsInterval),
            MaxEventsPerCommit = Math.Clamp(section.GetValue("MaxEventsPerCommit", defaults.MaxEventsPerCommit), 1, 50_000),
            WriterCommits = Math.Clamp(section.GetValue("WriterCommits", defaults.WriterCommits), 1, 16),
            PipelineEnabled = section.GetValue("PipelineEnabled", true),
        };
    }

    private static TimeSpan Seconds(IConfiguration section, string key, TimeSpan fallback) =>
        section.GetValue<double?>(key) is { } s && s > 0 ? TimeSpan.FromSeconds(s) : fallback;
}
