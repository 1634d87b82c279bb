using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// Settings read by the framework rather than by an options class of ours (<c>Urls</c>, log levels, the OTLP
/// endpoint): ASP.NET Core would only notice a wrong value when it uses it (Kestrel at listen time, after the
/// migrations; logging at build), with a stack trace. Checked with the others before anything runs.
/// </summary>
public static class HostSettings
{
    /// <summary>Where the console listens when no hosting variable says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Validates every setting and returns what the console runs on; a wrong value is a <see cref="StartupException"/>.</summary>
    public static ConsoleSettings AddConsoleSettings(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        CheckUrls(config["urls"]);
        // The standard hosting variables win (ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS / HTTPS_PORTS, as the official .NET
        // container images set them, or --urls); only when none is set does the console listen on localhost:5080.
        if (string.IsNullOrWhiteSpace(config["urls"]) && string.IsNullOrWhiteSpace(config["http_ports"]) && string.IsNullOrWhiteSpace(config["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        CheckLogLevels(config.GetSection("Logging"));
        if (config["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp && !new HttpUrlAttribute().IsValid(otlp))
        {
            throw new StartupException(Settings.Sentence("OTEL_EXPORTER_OTLP_ENDPOINT", "an absolute URL such as http://collector:4317", otlp));
        }
        var database = builder.AddSettings<DatabaseOptions>("Database");
        var connections = builder.AddSettings<ConnectionStringOptions>("ConnectionStrings");
        var console = builder.AddSettings<ConsoleOptions>("Console");
        return ConsoleSettings.From(database, connections, console);
    }

    /// <summary>
    /// Kestrel's own parser takes "http://localhost:abc" for a host named "localhost:abc" on port 80 and fails on
    /// "garbage" only once the migrations have run; here each address must be a URL with a numeric port, if any.
    /// </summary>
    private static void CheckUrls(string? urls)
    {
        foreach (var address in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsListenAddress(address))
            {
                throw new StartupException(
                    $"Setting 'Urls' must be http:// or https:// addresses separated by ';' (such as http://0.0.0.0:8080), but '{address}' is not one.");
            }
        }
    }

    private static bool IsListenAddress(string address)
    {
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || address[..scheme].ToLowerInvariant() is not ("http" or "https"))
        {
            return false;
        }
        var rest = address[(scheme + 3)..];
        if (rest.StartsWith("unix:/", StringComparison.OrdinalIgnoreCase))
        {
            return true; // a Unix domain socket: http://unix:/run/console.sock
        }
        // Kestrel's wildcards are not host names a URI parser knows.
        if (rest.StartsWith('*') || rest.StartsWith('+'))
        {
            rest = "localhost" + rest[1..];
        }
        return Uri.TryCreate($"http://{rest}", UriKind.Absolute, out var uri)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.UserInfo);
    }

    /// <summary>Every <c>Logging:…:LogLevel:&lt;category&gt;</c> must name a level; the logging set-up would throw at build otherwise.</summary>
    private static void CheckLogLevels(IConfigurationSection logging)
    {
        foreach (var (key, value) in logging.AsEnumerable())
        {
            var parts = key.Split(':');
            if (!string.IsNullOrEmpty(value) && parts.Length >= 2 && parts[^2].Equals("LogLevel", StringComparison.OrdinalIgnoreCase)
                && !Enum.TryParse<LogLevel>(value, ignoreCase: true, out _))
            {
                throw new StartupException(Settings.Sentence(key, Settings.OneOf(Enum.GetNames<LogLevel>()), value));
            }
        }
    }
}
