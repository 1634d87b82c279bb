using System.Globalization;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Threats;

internal sealed class ThreatsApi(ConsoleApi api) : IThreatsApi
{
    public Task<Timeline> GetTimelineAsync(DateTimeOffset from, DateTimeOffset to, int bucketMinutes, CancellationToken ct = default) =>
        api.GetAsync<Timeline>($"api/v1/threats/timeline?from={Iso(from)}&to={Iso(to)}&bucketMinutes={bucketMinutes}", ct);

    public Task<Heatmap> GetHeatmapAsync(DateTimeOffset from, DateTimeOffset to, int offsetMinutes, CancellationToken ct = default) =>
        api.GetAsync<Heatmap>($"api/v1/threats/heatmap?from={Iso(from)}&to={Iso(to)}&offsetMinutes={offsetMinutes}", ct);

    public Task<List<TopEntity>> GetTopEntitiesAsync(DateTimeOffset from, DateTimeOffset to, string? kind = null, CancellationToken ct = default) =>
        api.GetAsync<List<TopEntity>>($"api/v1/threats/top-entities?from={Iso(from)}&to={Iso(to)}{(kind is null ? "" : "&kind=" + kind)}", ct);

    /// <summary>A masked entity is asked for by its opaque reference, one in clear by its id.</summary>
    public Task<EntityProfile> GetEntityProfileAsync(string kind, string id, int hours, string? reference = null, CancellationToken ct = default) =>
        api.GetAsync<EntityProfile>(reference is null
            ? $"api/v1/threats/entity?kind={Uri.EscapeDataString(kind)}&id={Uri.EscapeDataString(id)}&hours={hours}"
            : $"api/v1/threats/entity?kind={Uri.EscapeDataString(kind)}&ref={Uri.EscapeDataString(reference)}&hours={hours}", ct);

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
}
