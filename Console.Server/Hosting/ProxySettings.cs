using System.ComponentModel.DataAnnotations;
using System.Net;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// The reverse proxies and load balancers in front of the console (section <c>Proxies</c>). Only a request that
/// arrives from one of them has its <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> believed, so that the audit
/// trail, the per-address detection rules, the sign-in limiter and key IP allow-lists see the client's address. With
/// none configured (the default) no forwarded header is believed from anyone: a spoofed one changes nothing.
/// </summary>
public sealed class ProxySettings
{
    /// <summary>Addresses of the proxies, such as <c>10.0.0.2</c> or <c>::1</c>.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, such as <c>10.0.0.0/24</c>.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary>How many proxies a request may pass through (the <c>X-Forwarded-For</c> entries read from the right).</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;
}

public static class ProxyHeaders
{
    public static void AddForwardedHeaders(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Proxies");
        var proxies = builder.AddSettings<ProxySettings>("Proxies");
        var addresses = proxies.KnownProxies.Select((p, i) => IPAddress.TryParse(p, out var a)
            ? a : throw new StartupException(Settings.Sentence(section, $"KnownProxies:{i}", "an IP address such as 10.0.0.2", p))).ToList();
        var networks = proxies.KnownNetworks.Select((n, i) => System.Net.IPNetwork.TryParse(n, out var net)
            ? net : throw new StartupException(Settings.Sentence(section, $"KnownNetworks:{i}", "a network in CIDR notation such as 10.0.0.0/24", n))).ToList();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = proxies.ForwardLimit;
            // The framework trusts loopback by default; here only what the operator named is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            addresses.ForEach(o.KnownProxies.Add);
            networks.ForEach(o.KnownIPNetworks.Add);
        });
    }

    /// <summary>First in the pipeline, so that everything after it sees the client's address; not at all without proxies.</summary>
    public static void UseConsoleForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxySettings>>().Value.Any)
        {
            app.UseForwardedHeaders();
        }
    }
}
