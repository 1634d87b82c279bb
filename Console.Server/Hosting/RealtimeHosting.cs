using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;
using StackExchange.Redis;

namespace SecurityConsole.Server.Hosting;

/// <summary>SignalR in-process on one node; through the Redis backplane when ConnectionStrings:Redis is set.</summary>
public static class RealtimeHosting
{
    public static WebApplicationBuilder AddConsoleRealtime(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var signalr = builder.Services.AddSignalR(o => o.MaximumReceiveMessageSize = 32 * 1024);
        builder.Services.AddSingleton<HubDrain>();
        if (settings.RedisConnectionString is { } redis)
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
            signalr.AddStackExchangeRedis(o =>
            {
                o.Configuration = options.Clone();
                o.Configuration.ChannelPrefix = RedisChannel.Literal("console");
            });
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        }
        return builder;
    }

    public static void MapConsoleRealtime(this WebApplication app)
    {
        var shutdown = app.Services.GetRequiredService<GracefulShutdown>();
        app.MapHub<ConsoleHub>(HubRoutes.Alerts).RequireAuthorization(Policies.SignedIn)
            // A stopping node takes no new hub connection: 503, which the balancer passes to the next node (deploy/nginx).
            .Add(endpoint =>
            {
                var next = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = context =>
                {
                    if (!shutdown.Stopping)
                    {
                        return next(context);
                    }
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = "1";
                    return Task.CompletedTask;
                };
            });
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis answers in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis unreachable ({ex.GetType().Name}).");
        }
    }
}
