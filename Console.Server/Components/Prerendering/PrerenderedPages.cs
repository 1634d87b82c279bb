using System.Net;
using Microsoft.AspNetCore.Components.Endpoints;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Layout;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Server.Dashboard;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Components.Prerendering;

/// <summary>
/// The first screen drawn by the server (ADR 0095): the client's pages marked <see cref="ServerPrerenderedAttribute"/>
/// and the layout around them are rendered into the first HTML answer, with the services below standing in for the
/// browser's. Each reads what the API endpoint it replaces reads, after the same check of the authorization table, so a
/// drawn page shows nothing its reader could not fetch. The live connection is registered but never started here: only
/// the browser's layout starts it, after its first interactive render.
/// </summary>
public static class PrerenderedPages
{
    public static IServiceCollection AddPrerenderedPages(this IServiceCollection services)
    {
        services.AddScoped<IDashboardApi, ServerDashboardApi>();
        services.AddScoped<IAlertsApi, ServerAlertsApi>();
        services.AddScoped<LiveConnection>();
        services.AddScoped<ThemeState>();
        return services;
    }

    /// <summary>Whether this request is for a client page the server draws first.</summary>
    public static bool Prerenders(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type is { } page
        && page.IsDefined(typeof(ServerPrerenderedAttribute), inherit: false);

    /// <summary>The authorization table's verdict on <paramref name="method"/> <paramref name="route"/> for this caller, as its endpoint would give it.</summary>
    internal static void Demand(Caller caller, string method, string route)
    {
        var operation = ApiAuthorization.Find(method, route)
            ?? throw new InvalidOperationException($"{method} {route} has no entry in the authorization table.");
        if (operation.Access.Public)
        {
            return;
        }
        if (caller.Principal.Identity?.IsAuthenticated != true)
        {
            throw new ApiException(HttpStatusCode.Unauthorized, null, null, null);
        }
        var kind = caller.KeyId is null ? CallerKinds.Person : CallerKinds.Key;
        if (!operation.Access.Allows(kind, caller.Granted))
        {
            throw new ApiException(HttpStatusCode.Forbidden, null, null, null);
        }
    }

    /// <summary>A failure while drawing becomes what the browser's client would have seen, so the page handles it the same way.</summary>
    internal static async Task<T> ReadAsync<T>(ILogger logger, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception ex) when (ex is not ApiException and not OperationCanceledException)
        {
            logger.LogWarning(ex, "Reading the figures of a page drawn by the server failed; the browser reads them itself.");
            throw new ApiException(HttpStatusCode.InternalServerError, null, null, null);
        }
    }
}

/// <summary>The Dashboard's figures on the server: what GET /api/v1/dashboard/summary answers this caller.</summary>
internal sealed class ServerDashboardApi(DashboardQueries dashboard, Caller caller, ILogger<ServerDashboardApi> logger) : IDashboardApi
{
    public Task<DashboardSummary> GetDashboardAsync(CancellationToken ct = default)
    {
        PrerenderedPages.Demand(caller, "GET", "/api/v1/dashboard/summary");
        return PrerenderedPages.ReadAsync(logger, () => dashboard.SummaryAsync(caller.Granted, ct));
    }
}

/// <summary>
/// The Dashboard's detection numbers on the server: what GET /api/v1/alerts/summary answers this caller, masked alike.
/// The other alert calls come from pages the server does not draw.
/// </summary>
internal sealed class ServerAlertsApi(AlertQueries alerts, AlertMasking masking, Caller caller, ILogger<ServerAlertsApi> logger) : IAlertsApi
{
    public Task<DetectionSummary> GetDetectionSummaryAsync(CancellationToken ct = default)
    {
        PrerenderedPages.Demand(caller, "GET", "/api/v1/alerts/summary");
        return PrerenderedPages.ReadAsync(logger, () => alerts.SummaryForAsync(caller, masking, ct));
    }

    public Task<AlertPage> GetAlertsAsync(AlertQuery query, CancellationToken ct = default) => throw BrowserOnly();

    public Task<AlertChanges> GetAlertChangesAsync(string since, CancellationToken ct = default) => throw BrowserOnly();

    public Task<List<AlertAssignee>> GetAlertAssigneesAsync(CancellationToken ct = default) => throw BrowserOnly();

    public Task<AlertDetail> GetAlertAsync(long id, CancellationToken ct = default) => throw BrowserOnly();

    public Task<AlertView> AlertActionAsync(long id, string action, string? comment, CancellationToken ct = default) => throw BrowserOnly();

    public Task<AlertView> AssignAlertAsync(long id, string? assigneeUserId, CancellationToken ct = default) => throw BrowserOnly();

    public Task<AlertNoteView> AddAlertNoteAsync(long id, string text, CancellationToken ct = default) => throw BrowserOnly();

    private static InvalidOperationException BrowserOnly() =>
        new("Only the Dashboard's detection summary is read while the server draws a page; the alert pages are drawn by the browser.");
}
