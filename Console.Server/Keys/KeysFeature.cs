using Hangfire;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Keys;

public static class KeysFeature
{
    public static WebApplicationBuilder AddKeys(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        services.AddScoped<ApiKeyIssuer>();
        // Public reads for other features (their doors): compliance checks and report data.
        services.AddScoped<KeyComplianceFacts>();
        services.AddScoped<KeyReportQueries>();
        services.AddScoped<KeyRequests>();
        services.AddScoped<KeyManagement>();
        services.AddScoped<KeyPolicyStore>();
        services.AddSingleton<KeyNotifier>();
        services.AddSingleton<SecretPickup>();
        services.AddSingleton<KeyCache>();
        services.AddSingleton<KeyRateLimiter>();
        if (settings.RedisConnectionString is not null)
        {
            services.AddSingleton<RedisKeyInvalidation>();
            services.AddSingleton<IKeyInvalidation>(sp => sp.GetRequiredService<RedisKeyInvalidation>());
            services.AddHostedService(sp => sp.GetRequiredService<RedisKeyInvalidation>());
        }
        else
        {
            services.AddSingleton<IKeyInvalidation, LocalKeyInvalidation>();
        }
        services.AddSingleton<ApiKeyVerifier>();
        services.AddSingleton<KeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyUsageFlusher>());
        services.AddSingleton<KeyUsageFlusher>();
        services.AddScoped<KeyRotationPolicyJob>();
        return builder;
    }

    public static void RegisterKeyJobs(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<KeyRotationPolicyJob>(KeyRotationPolicyJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(4));
}
