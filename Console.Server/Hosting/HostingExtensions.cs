using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting;

public static class HostingExtensions
{
    /// <summary>Validated settings, clock, problem details, API docs, telemetry, proxies, metrics, shutdown: what every feature leans on.</summary>
    public static WebApplicationBuilder AddConsoleHosting(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddConsoleProblemDetails();
        builder.Services.AddConsoleApiDocs();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.AddConsoleTelemetry();
        builder.AddForwardedHeaders();
        builder.AddConsoleMetricsAccess();
        builder.AddGracefulShutdown();
        return builder;
    }
}
