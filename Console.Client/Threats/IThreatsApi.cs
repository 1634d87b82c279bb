using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Threats;

/// <summary>The threat analytics of the detection feature (api/v1/threats): timeline, heatmap, top entities, one entity's profile.</summary>
public interface IThreatsApi
{
    Task<Timeline> GetTimelineAsync(DateTimeOffset from, DateTimeOffset to, int bucketMinutes, CancellationToken ct = default);

    /// <summary>Events per weekday and hour, in the viewer's time zone (<paramref name="offsetMinutes"/> from UTC).</summary>
    Task<Heatmap> GetHeatmapAsync(DateTimeOffset from, DateTimeOffset to, int offsetMinutes, CancellationToken ct = default);

    Task<List<TopEntity>> GetTopEntitiesAsync(DateTimeOffset from, DateTimeOffset to, string? kind = null, CancellationToken ct = default);

    Task<EntityProfile> GetEntityProfileAsync(string kind, string id, int hours, string? reference = null, CancellationToken ct = default);
}
