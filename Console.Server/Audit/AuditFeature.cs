using Hangfire;

namespace SecurityConsole.Server.Audit;

public static class AuditFeature
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<AuditTrail>();
        services.AddSingleton<AuditChainInterceptor>();
        services.AddSingleton<AuditKeys>();
        services.AddSingleton<PersonalData>();
        services.AddScoped<AuditVerifier>();
        services.AddScoped<AuditCheckpoints>();
        services.AddScoped<AuditCheckpointJob>();
        services.AddScoped<AuditRetentionJob>();
        services.AddScoped<AuditReader>();
        services.AddScoped<AuditAdmin>();
        return builder;
    }

    /// <summary>At start: the trail's keys exist before the first save needs them.</summary>
    public static Task PrepareAuditAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<AuditKeys>().EnsureAsync(ct);

    public static void RegisterAuditJobs(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<AuditCheckpointJob>(AuditCheckpointJob.Id, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
        jobs.AddOrUpdate<AuditRetentionJob>(AuditRetentionJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(2));
    }
}
