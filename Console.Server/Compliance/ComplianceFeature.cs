using Hangfire;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance.Checks;

namespace SecurityConsole.Server.Compliance;

/// <summary>Frameworks, controls and their checks, evidence, exceptions, access reviews and evidence packs.</summary>
public sealed class ComplianceFeature : IConsoleFeature
{
    /// <summary>Where the framework files that ship with the console are.</summary>
    public static string BuiltInFrameworks => Path.Combine(AppContext.BaseDirectory, "Compliance", "Frameworks");

    public static IEnumerable<CheckDefinition> BuiltInChecks =>
        UserChecks.All.Concat(KeyChecks.All).Concat(AuditChecks.All).Concat(DetectionChecks.All).Concat(ComplianceChecks.All);

    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        var options = builder.AddSettings<ComplianceOptions>("Compliance");
        // Loaded now: a bad framework file stops the start with its file and line.
        var folders = new List<string> { BuiltInFrameworks };
        if (!string.IsNullOrWhiteSpace(options.FrameworksPath))
        {
            folders.Add(Path.GetFullPath(options.FrameworksPath, builder.Environment.ContentRootPath));
        }
        ComplianceCatalogue catalogue;
        try
        {
            catalogue = CatalogueLoader.Load(folders, BuiltInChecks.Select(c => c.Id).ToHashSet(StringComparer.Ordinal));
        }
        catch (CatalogueException ex)
        {
            throw new StartupException(ex.Message, ex);
        }
        services.AddSingleton(catalogue);
        foreach (var check in BuiltInChecks)
        {
            services.AddSingleton(check);
        }
        services.AddSingleton<CheckRegistry>();
        services.AddSingleton<ComplianceSignals>();
        services.AddSingleton<EvaluationGate>();
        services.AddSingleton<Checks.ChainVerifications>();
        services.AddSingleton<ComplianceChangeInterceptor>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<ComplianceChangeInterceptor>());
        services.AddSingleton<ComplianceBroadcaster>();
        services.AddHostedService<ComplianceRunner>();
        services.AddScoped<ComplianceSettings>();
        services.AddScoped<ComplianceEvaluator>();
        services.AddScoped<ControlStatusRecorder>();
        services.AddScoped<ComplianceViews>();
        services.AddScoped<ComplianceReportQueries>();
        services.AddScoped<ManualControls>();
        services.AddScoped<EvidenceUploads>();
        services.AddScoped<EvidenceQueries>();
        services.AddScoped<AccessReviews>();
        services.AddScoped<EvidencePacks>();
        services.AddScoped<PostureReport>();
        services.AddScoped<IRetentionFloors, FrameworkRetentionFloors>();
        services.AddScoped<EvidencePackVerifier>();
        services.AddScoped<ComplianceSweepJob>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapCompliance();

    public void RegisterJobs(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<ComplianceSweepJob>(ComplianceSweepJob.Id, j => j.RunAsync(CancellationToken.None), "*/10 * * * *");
}

/// <summary><c>Compliance:*</c> settings.</summary>
public sealed class ComplianceOptions
{
    /// <summary>A folder of further framework files (a fourth standard), read with the built-in ones.</summary>
    public string? FrameworksPath { get; set; }

    /// <summary>The largest evidence file accepted, in bytes (10 MB by default). Files are stored in the database.</summary>
    [System.ComponentModel.DataAnnotations.Range(1024, 100L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = SecurityConsole.Shared.Compliance.EvidenceFiles.DefaultMaxBytes;

    /// <summary>The largest evidence pack <c>POST /api/v1/compliance/packs/verify</c> reads, in bytes (1 GB by default).</summary>
    [System.ComponentModel.DataAnnotations.Range(1024 * 1024, 8L * 1024 * 1024 * 1024)]
    public long MaxPackBytes { get; set; } = 1024L * 1024 * 1024;
}
