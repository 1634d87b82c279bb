using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace SecurityConsole.Server.Realtime;

/// <summary>
/// The hub connections this node holds, so that a stopping node can tell them to reconnect (elsewhere) while it drains,
/// instead of leaving them until it closes its port. Closing a connection from the server drops its transport: the
/// browser's automatic reconnect (no delay on the first try) negotiates again through the balancer, and a stopping
/// node refuses the negotiation (503), so the balancer hands it to another node.
/// </summary>
public sealed class HubDrain(ILogger<HubDrain> logger)
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    internal void Add(HubCallerContext context) => _connections[context.ConnectionId] = context;

    internal void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    /// <summary>Closes every hub connection of this node; their browsers reconnect through the balancer.</summary>
    public int CloseAll()
    {
        var closed = 0;
        foreach (var (id, context) in _connections)
        {
            context.Abort();
            _connections.TryRemove(id, out _);
            closed++;
        }
        if (closed > 0)
        {
            logger.LogInformation("Stopping: told {Count} hub connections to reconnect to another node", closed);
        }
        return closed;
    }
}
