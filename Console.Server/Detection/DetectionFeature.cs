using Hangfire;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Events;

namespace SecurityConsole.Server.Detection;

/// <summary>Security events in, rules over them, alerts out: ingestion, the pipeline, triage and threat views.</summary>
public sealed class DetectionFeature : IConsoleFeature
{
    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        builder.AddSettings<DetectionOptions>("Detection");
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DetectionOptions>>().Value);
        services.AddSingleton<SecurityEventStore>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertBroadcaster>();
        services.AddSingleton<BaselineStore>();
        // Hosted services stop in reverse order: the writer drains its queue first, then the pipeline stops.
        services.AddSingleton<DetectionLeadership>();
        services.AddSingleton<DetectionPipeline>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionPipeline>());
        services.AddSingleton<SecurityEventWriter>();
        services.AddSingleton<ISecurityEventSink>(sp => sp.GetRequiredService<SecurityEventWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<SecurityEventWriter>());
        services.AddHostedService<DetectionStatsBroadcaster>();
        services.AddSingleton<ConsoleSecurityEvents>();
        services.AddSingleton<EventSenders>();
        services.AddScoped<AlertTriage>();
        services.AddScoped<AlertQueries>();
        // Public doors for other features: raising an alert (compliance), and reads for compliance checks and report data.
        services.AddScoped<ConsoleAlerts>();
        services.AddScoped<AlertMasking>();
        services.AddScoped<AlertFacts>();
        services.AddScoped<AlertReportQueries>();
        services.AddScoped<RuleAdmin>();
        services.AddScoped<ThreatAnalytics>();
        services.AddSingleton<EntityReferences>();
        services.AddScoped<DetectionRetentionJob>();
    }

    public void MapEndpoints(IEndpointRouteBuilder app)
    {
        app.MapEvents();
        app.MapAlerts();
        app.MapRules();
        app.MapThreats();
    }

    /// <summary>At start, after the demo's history (seeding them is audited): the built-in rules exist.</summary>
    public Task SeedAsync(IServiceProvider services, CancellationToken ct) => RuleAdmin.SeedAsync(services, ct);

    public void RegisterJobs(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<DetectionRetentionJob>(DetectionRetentionJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(2, 30));
}
