using System.Diagnostics;
using System.Diagnostics.Metrics;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SecurityConsole.Server.Hosting;

public static class Telemetry
{
    public const string ServiceName = "security-console";
    public static readonly ActivitySource Source = new("SecurityConsole");
    public static readonly Meter Meter = Common.ConsoleMetrics.Meter;
    private static readonly PathString KeyVerificationPath = "/api/v1/keys/verify";

    public static WebApplicationBuilder AddConsoleTelemetry(this WebApplicationBuilder builder)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceInstanceId: Environment.MachineName))
            .WithTracing(t => t
                .AddSource(Source.Name)
                .AddSource("Hangfire")
                .AddAspNetCoreInstrumentation(o =>
                {
                    // Health probes would drown the traces; so would key verification, the hot path services call
                    // for every request they serve: a span each would cost a sixth of its CPU, and every refusal
                    // already becomes a security event, which is where it is investigated.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/health")
                        && !ctx.Request.Path.StartsWithSegments(KeyVerificationPath);
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddMeter(Meter.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // Served at /metrics to Prometheus, behind the gate in Metrics.cs.
                .AddPrometheusExporter());
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.IncludeScopes = true;
            o.IncludeFormattedMessage = true;
        });
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
        return builder;
    }
}
