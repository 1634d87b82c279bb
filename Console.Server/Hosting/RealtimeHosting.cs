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

    public static void MapConsoleRealtime(this WebApplication app) =>
        app.MapHub<ConsoleHub>(HubRoutes.Alerts).RequireAuthorization(Policies.SignedIn);
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
