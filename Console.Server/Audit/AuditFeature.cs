using System.ComponentModel.DataAnnotations;
using Hangfire;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Audit;

/// <summary>The audit trail: who did what, chained and signed; retention and legal holds.</summary>
public sealed class AuditFeature : IConsoleFeature
{
    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        builder.AddSettings<AuditOptions>("Audit");
        services.AddScoped<AuditTrail>();
        // Public reads for other features (their doors): compliance checks and report data.
        services.AddScoped<AuditFacts>();
        services.AddScoped<AuditCounts>();
        services.AddScoped<AuditReportQueries>();
        services.AddSingleton<AuditChainInterceptor>();
        services.AddSingleton<AuditKeys>();
        services.AddSingleton<PersonalData>();
        services.AddScoped<AuditVerifier>();
        services.AddScoped<AuditCheckpoints>();
        services.AddScoped<AuditCheckpointJob>();
        services.AddScoped<AuditChainVerificationJob>();
        services.AddScoped<AuditRetentionJob>();
        services.AddScoped<AuditReader>();
        services.AddScoped<AuditNames>();
        services.AddScoped<AuditAdmin>();
        services.AddScoped<AuditQueries>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapAudit();

    /// <summary>At start: the trail's keys exist before the first save needs them.</summary>
    public Task PrepareAsync(IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<AuditKeys>().EnsureAsync(ct);

    public void RegisterJobs(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<AuditCheckpointJob>(AuditCheckpointJob.Id, j => j.RunAsync(CancellationToken.None), "*/5 * * * *");
        // The whole chain from its anchor, recorded in the trail; the compliance chain check reads the outcome (ADR 0130).
        jobs.AddOrUpdate<AuditChainVerificationJob>(AuditChainVerificationJob.Id, j => j.RunAsync(CancellationToken.None), "*/30 * * * *");
        jobs.AddOrUpdate<AuditRetentionJob>(AuditRetentionJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(2));
    }
}

/// <summary><c>Audit:*</c> settings.</summary>
public sealed class AuditOptions
{
    /// <summary>A signed checkpoint after this many entries (or hourly when anything was appended).</summary>
    [Range(1, 10_000_000, ErrorMessage = "a whole number from {1} to {2}")]
    public int CheckpointEvery { get; set; } = 1000;
}
