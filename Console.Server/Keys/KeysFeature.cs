using Hangfire;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Keys;

/// <summary>API keys: issue, verify, rotate, revoke; requests and approvals; usage and rate limits.</summary>
public sealed class KeysFeature : IConsoleFeature
{
    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        services.AddScoped<ApiKeyIssuer>();
        // Public reads for other features (their doors): compliance checks and report data.
        services.AddScoped<KeyComplianceFacts>();
        services.AddScoped<KeyCounts>();
        services.AddScoped<KeyReportQueries>();
        services.AddScoped<KeyRequests>();
        services.AddScoped<KeyManagement>();
        services.AddScoped<KeyPolicyStore>();
        services.AddSingleton<KeyNotifier>();
        services.AddSingleton<SecretPickup>();
        services.AddSingleton<KeyCache>();
        services.AddSingleton<KeyRateLimiter>();
        var rateLimits = builder.AddSettings<RateLimitSettings>("RateLimits");
        if (settings.RedisConnectionString is not null)
        {
            // Every node takes from one bucket per key in Redis; its own share of the limit while Redis is away (ADR 0042).
            services.AddSingleton(rateLimits);
            services.AddSingleton<RedisKeyRateLimiter>();
            services.AddSingleton<IKeyRateLimit>(sp => sp.GetRequiredService<RedisKeyRateLimiter>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisKeyRateLimiter>());
            services.AddHealthChecks().AddCheck<RedisKeyRateLimiter>(RedisKeyRateLimiter.CheckName, tags: ["ready"]);
            services.AddSingleton<RedisKeyInvalidation>();
            services.AddSingleton<IKeyInvalidation>(sp => sp.GetRequiredService<RedisKeyInvalidation>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisKeyInvalidation>());
        }
        else
        {
            services.AddSingleton<IKeyInvalidation, LocalKeyInvalidation>();
            services.AddSingleton<IKeyRateLimit>(sp => sp.GetRequiredService<KeyRateLimiter>());
        }
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<KeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageFlusher>());
        services.AddSingleton<KeyUsageFlusher>();
        services.AddScoped<KeyRotationPolicyJob>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapKeys();

    public void RegisterJobs(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<KeyRotationPolicyJob>(KeyRotationPolicyJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(4));
}
