using System.Diagnostics;
using Npgsql;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Detection;

/// <summary>How the nodes of a cluster share detection (<c>Detection:Cluster</c>).</summary>
public enum DetectionClusterMode
{
    /// <summary>One node at a time detects every node's events (PostgreSQL advisory lock): windows and alerts are cluster-wide.</summary>
    Leader,

    /// <summary>Each node detects the events it stored: windows per node (the behaviour before ADR 0043).</summary>
    EveryNode,
}

/// <summary>
/// Which node detects (ADR 0043). On PostgreSQL with <see cref="DetectionClusterMode.Leader"/> the node holding the session
/// advisory lock <see cref="LockKey"/>, on a connection of its own outside the pool, is the one that runs the rules on every
/// node's committed events (read from the backlog); the others only store events. When the leader stops or loses its
/// connection, PostgreSQL releases the lock and the next node to ask takes it. On SQLite (one node) and in
/// <see cref="DetectionClusterMode.EveryNode"/> every node leads itself.
/// </summary>
public sealed class DetectionLeadership(ConsoleSettings settings, DetectionOptions options, ILogger<DetectionLeadership> logger) : IAsyncDisposable
{
    /// <summary>The advisory lock's key: "SCDETECT" read as a number, so that no other lock of the database collides.</summary>
    public const long LockKey = 0x5343_4445_5445_4354;
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    private NpgsqlConnection? _connection;
    private long _checkedAt = long.MinValue / 2;
    private volatile bool _leading;

    /// <summary>Whether one node detects for all (PostgreSQL and <see cref="DetectionClusterMode.Leader"/>).</summary>
    public bool Shared { get; } = settings.Provider == DatabaseProvider.Postgres && options.Cluster == DetectionClusterMode.Leader;

    /// <summary>Whether this node detects now.</summary>
    public bool Leading => !Shared || _leading;

    /// <summary>Asks for the lock (or checks that its connection still holds it) every 2 s; answers whether this node leads.</summary>
    public async ValueTask<bool> HoldAsync(CancellationToken ct)
    {
        if (!Shared)
        {
            return true;
        }
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_checkedAt, now) < CheckInterval)
        {
            return _leading;
        }
        _checkedAt = now;
        try
        {
            if (_connection is null)
            {
                // Outside the pool: a pooled connection handed back would keep the lock for whoever takes it next.
                var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false, ApplicationName = "console detection leader" };
                _connection = new NpgsqlConnection(builder.ConnectionString);
                await _connection.OpenAsync(ct);
            }
            await using var command = _leading
                ? new NpgsqlCommand("SELECT true", _connection)
                : new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", _connection) { Parameters = { new("key", LockKey) } };
            var held = (bool)(await command.ExecuteScalarAsync(ct))!;
            if (held && !_leading)
            {
                logger.LogInformation("Detection: this node ({Node}) now detects the events of every node", options.Node);
            }
            _leading = held;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            if (_leading)
            {
                logger.LogWarning(ex, "Detection: lost the leader's connection; another node takes over");
            }
            _leading = false;
            await DropAsync();
        }
        return _leading;
    }

    private async ValueTask DropAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // Closed already.
            }
        }
    }

    /// <summary>Closing the connection releases the lock at once: the next node takes over within its next check.</summary>
    public async ValueTask DisposeAsync()
    {
        _leading = false;
        await DropAsync();
    }
}
