using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// The retention floors in force. The Audit feature keeps no copy of its own: the Compliance feature supplies them from
/// the enabled frameworks' files (a new framework's floors count as soon as it is enabled). Without a source the console
/// does not start, so retention never runs without its floors.
/// </summary>
public interface IRetentionFloors
{
    Task<IReadOnlyList<RetentionFloor>> AllAsync(CancellationToken ct);
}
