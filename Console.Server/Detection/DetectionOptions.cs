using System.ComponentModel.DataAnnotations;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Timings of the detection pipeline (<c>Detection:*</c> settings); the defaults suit production, tests shorten them.
/// Bound and validated like every settings class (Hosting/Settings.cs).
/// </summary>
public sealed class DetectionOptions
{
    private const string SecondsRange = "a number of seconds from {1} to {2}";

    /// <summary>A backlog entry older than this is taken over by any node's sweep (its writer died or fell behind).</summary>
    [Range(0.1, 86_400, ErrorMessage = SecondsRange)]
    public double OrphanAfterSeconds { get; set; } = 30;

    [Range(0.1, 86_400, ErrorMessage = SecondsRange)]
    public double SweepIntervalSeconds { get; set; } = 10;

    [Range(0.1, 86_400, ErrorMessage = SecondsRange)]
    public double BaselineFlushSeconds { get; set; } = 30;

    /// <summary>How often a node looks for rule changes made on another node.</summary>
    [Range(0.1, 86_400, ErrorMessage = SecondsRange)]
    public double RulesRefreshSeconds { get; set; } = 5;

    [Range(0.1, 86_400, ErrorMessage = SecondsRange)]
    public double StatsSeconds { get; set; } = 10;

    /// <summary>At most this many events go into one commit (group commit across requests).</summary>
    [Range(1, 50_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int MaxEventsPerCommit { get; set; } = 5000;

    /// <summary>
    /// Commits of the event writer in flight at once, each with its own connection (PostgreSQL; SQLite has one writer):
    /// while one waits for its commit to be durable the next group is already being written.
    /// </summary>
    [Range(1, 16, ErrorMessage = "a whole number from {1} to {2}")]
    public int WriterCommits { get; set; } = 2;

    /// <summary>Off: events are stored and queued in the backlog, but this node detects nothing (tests of recovery).</summary>
    public bool PipelineEnabled { get; set; } = true;

    /// <summary>On PostgreSQL: one node detects every node's events (cluster-wide windows), or each its own (ADR 0043).</summary>
    public DetectionClusterMode Cluster { get; set; } = DetectionClusterMode.Leader;

    public TimeSpan OrphanAfter => TimeSpan.FromSeconds(OrphanAfterSeconds);
    public TimeSpan SweepInterval => TimeSpan.FromSeconds(SweepIntervalSeconds);
    public TimeSpan BaselineFlushInterval => TimeSpan.FromSeconds(BaselineFlushSeconds);
    public TimeSpan RulesRefreshInterval => TimeSpan.FromSeconds(RulesRefreshSeconds);
    public TimeSpan StatsInterval => TimeSpan.FromSeconds(StatsSeconds);

    /// <summary>This process, as written in backlog entries; distinct per start.</summary>
    public string Node { get; } = $"{Environment.MachineName[..Math.Min(20, Environment.MachineName.Length)]}:{Environment.ProcessId}:{Guid.NewGuid():N}";
}
