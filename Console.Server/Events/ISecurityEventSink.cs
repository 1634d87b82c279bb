namespace SecurityConsole.Server.Events;

/// <summary>How every feature reports security events; Detection implements it (its writer commits and detects).</summary>
public interface ISecurityEventSink
{
    /// <summary>Queues the event and returns at once (hot paths). Dropped, and counted, if the queue is full.</summary>
    void Emit(SecurityEvent e);

    /// <summary>Returns once the events are committed, with their ids in order.</summary>
    Task<long[]> WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken ct);
}

/// <summary>The events could not be committed; the caller should retry.</summary>
public sealed class EventStoreUnavailableException(Exception inner) : Exception("Security events could not be stored.", inner);
