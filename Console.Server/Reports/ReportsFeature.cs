using Hangfire;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Reports.Caching;
using SecurityConsole.Server.Reports.Data;
using SecurityConsole.Server.Reports.Delivery;
using SecurityConsole.Server.Reports.Output;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Reports.Schedules;
using SecurityConsole.Server.Reports.Templates;
using StackExchange.Redis;

namespace SecurityConsole.Server.Reports;

/// <summary>Report templates, runs on their own queue, schedules and deliveries.</summary>
public sealed class ReportsFeature : IConsoleFeature
{
    public void AddServices(WebApplicationBuilder builder, ConsoleSettings settings)
    {
        var services = builder.Services;
        var options = builder.AddSettings<ReportsOptions>("Reports");
        // The two-tier cache (ADR 0022): HybridCache in memory, with Redis as its second tier when Redis is configured,
        // sharing the console's one connection; invalidations reach the other nodes over Redis pub/sub.
        services.AddHybridCache(o =>
        {
            o.MaximumPayloadBytes = 256 * 1024 * 1024;
            o.MaximumKeyLength = 512;
            o.DefaultEntryOptions = new Microsoft.Extensions.Caching.Hybrid.HybridCacheEntryOptions
            {
                Expiration = options.CacheExpiration, LocalCacheExpiration = options.CacheExpiration,
            };
        });
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Redis")))
        {
            services.AddStackExchangeRedisCache(o => o.InstanceName = "console:reports:cache:");
            services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((o, sp) =>
                o.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
        }
        services.AddSingleton<ReportCacheInvalidation>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportCacheInvalidation>());
        services.AddSingleton<ReportCache>();
        services.AddSingleton<ReportWork>();
        services.AddSingleton<TemplateEngine>();
        services.AddSingleton<TemplateValidator>();
        services.AddSingleton<PdfPrinter>();
        services.AddSingleton<ReportProgressNotifier>();
        services.AddScoped<TemplateStore>();
        services.AddScoped<ReportDataSource>();
        // An evidence pack's posture report is this feature's built-in compliance-posture report (ADR 0075).
        services.AddScoped<Compliance.IPostureReportRenderer, PackPostureReport>();
        services.AddScoped<ReportFilterChoices>();
        services.AddScoped<ReportRuns>();
        services.AddScoped<ReportRunner>();
        services.AddScoped<ArtifactContent>();
        services.AddScoped<ReportRetentionJob>();
        services.AddScoped<ScheduleStore>();
        services.AddScoped<ScheduleTicker>();
        builder.AddSettings<ReportMailOptions>("Reports:Mail");
        services.AddSingleton<WebhookDns>();
        services.AddSingleton<WebhookTargets>();
        // Webhooks connect only to addresses WebhookTargets has checked (no proxy in between, which would connect for
        // us), and never follow a redirect (a redirect could lead anywhere).
        services.AddHttpClient(ReportWebhook.Client, c => c.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<WebhookTargets>().ConnectAsync,
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            });
        services.AddSingleton<ReportMailer>();
        services.AddSingleton<ReportWebhook>();
        services.AddSingleton<ReportInApp>();
        services.AddScoped<ReportDeliveryJob>();
        var jobs = Settings.Bind<JobsOptions>(builder.Configuration.GetSection("Jobs"));
        if (jobs.RunServer)
        {
            // Report runs have their own queue and their own few workers: however many are asked for, the default
            // queue's workers (key rotation, audit checkpoints, detection) stay free.
            services.AddHangfireServer(o =>
            {
                o.Queues = [ReportRunner.Queue];
                o.WorkerCount = options.Concurrency;
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:reports";
            });
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder app) => app.MapReports();

    public void RegisterJobs(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<ReportRetentionJob>(ReportRetentionJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(4));
        // One ticker for every schedule: Hangfire triggers a recurring job once across the cluster (docs/reports.md).
        jobs.AddOrUpdate<ScheduleTicker>(ScheduleTicker.Id, t => t.FireDueAsync(CancellationToken.None), Cron.Minutely());
    }
}
