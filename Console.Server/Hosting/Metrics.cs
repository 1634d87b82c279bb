using System.Net;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// Who may read <c>/metrics</c> (section <c>Metrics</c>). Closed by default: the metrics name routes, key verification
/// and event rates and node internals, which help an attacker time and size an attack.
/// </summary>
public sealed class MetricsSettings
{
    /// <summary>Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/24</c>) that may scrape without signing in: Prometheus.</summary>
    public string[] AllowedNetworks { get; set; } = [];
}

public static class Metrics
{
    public const string Path = "/metrics";

    /// <summary>The permission that opens /metrics to a signed-in person or a key, from anywhere.</summary>
    public const string Permission = Permissions.JobsManage;

    public static void AddConsoleMetricsAccess(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Metrics");
        var settings = builder.AddSettings<MetricsSettings>("Metrics");
        var networks = settings.AllowedNetworks.Select((n, i) => ParseNetwork(n)
            ?? throw new StartupException(Settings.Sentence(section, $"AllowedNetworks:{i}", "an address such as 10.0.0.5 or a network such as 10.0.0.0/24", n))).ToList();
        builder.Services.AddSingleton(new MetricsAccess(networks));
    }

    /// <summary>
    /// The Prometheus scrape endpoint, behind its gate. After authentication (a person's cookie or a key), so the
    /// permission can be checked; a refusal is a 403 whose body says how to be let in.
    /// </summary>
    public static void UseConsoleMetrics(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<MetricsAccess>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: ctx => ctx.Request.Path == Path,
            path: null,
            configureBranchedPipeline: branch => branch.Use(async (context, next) =>
            {
                if (access.Allows(context))
                {
                    await next(context);
                    return;
                }
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(
                    $"Metrics are served to the addresses in setting 'Metrics:AllowedNetworks' and to callers with the permission {Permission}.\n");
            }),
            optionsName: null);
    }

    private static System.Net.IPNetwork? ParseNetwork(string value) =>
        System.Net.IPNetwork.TryParse(value, out var network) ? network
        : IPAddress.TryParse(value, out var address) ? new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
        : null;
}

/// <summary>Whether a request may read the metrics: from an allowed network, or by a caller holding the permission.</summary>
public sealed class MetricsAccess(IReadOnlyList<System.Net.IPNetwork> networks)
{
    public bool Allows(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null)
        {
            var address = remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote;
            if (networks.Any(n => n.Contains(address)))
            {
                return true;
            }
        }
        return context.User.HasClaim(Permissions.ClaimType, Metrics.Permission);
    }
}
