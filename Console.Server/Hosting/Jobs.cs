using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// Hangfire runs every scheduled job: in memory on the embedded defaults, in PostgreSQL in production. Each console makes
/// its own storage and job activator and registers them as the <see cref="JobStorage"/> and <see cref="JobActivator"/>
/// singletons, so that its servers, its recurring job manager, its background job client and its dashboard all use that
/// instance; Hangfire's process-wide <c>JobStorage.Current</c> and <c>JobActivator.Current</c> are never read. In
/// production there is one console per process either way; in a test process, where many consoles run at once, a console
/// could otherwise enqueue into another console's storage, or run a job in another console's services (ADR 0070).
/// </summary>
public static class Jobs
{
    public static WebApplicationBuilder AddConsoleJobs(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        // Registered before AddHangfire, which only adds its own (the process-wide ones) when none is registered.
        builder.Services.AddSingleton<JobStorage>(services =>
        {
            // The configuration below (serializer, log bridge) applies before this console's storage serves anything.
            services.GetRequiredService<IGlobalConfiguration>();
            return CreateStorage(settings);
        });
        builder.Services.AddSingleton<JobActivator>(services => new AspNetCoreJobActivator(services.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire((services, config) =>
            config.UseLogProvider(new HangfireLogBridge(services.GetRequiredService<ILoggerFactory>()))
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings());
        var options = builder.AddSettings<JobsOptions>("Jobs");
        if (options.RunServer)
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.WorkerCount = options.Workers;
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
            });
        }
        builder.Services.AddHealthChecks().AddCheck<JobStorageHealthCheck>("jobs", tags: ["ready"], timeout: JobStorageHealthCheck.Timeout);
        return builder;
    }

    /// <summary>This console's own storage: its in-memory store, or the <c>hangfire</c> schema of its PostgreSQL database.</summary>
    private static JobStorage CreateStorage(ConsoleSettings settings)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Postgres:
                var options = new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    // The migrations run right after and say in one sentence when the database is
                    // unreachable; Hangfire's own start-up retries would only delay that by half a minute.
                    StartupConnectionMaxRetries = 1,
                    StartupConnectionBaseDelay = TimeSpan.FromMilliseconds(100),
                    StartupConnectionMaxDelay = TimeSpan.FromMilliseconds(100),
                    AllowDegradedModeWithoutStorage = true,
                };
                // What UsePostgreSqlStorage(o => o.UseNpgsqlConnection(…)) builds, without making it process-wide.
                return new PostgreSqlStorage(new NpgsqlConnectionFactory(settings.ConnectionString, options, null), options);
            case DatabaseProvider.Sqlite:
                return new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromDays(1) });
            default:
                throw new InvalidOperationException($"Unknown provider {settings.Provider}.");
        }
    }

    /// <summary>The embedded script that makes the dashboard write times as the console does (hangfire-utc.js).</summary>
    public const string UtcScript = "SecurityConsole.Server.Hosting.hangfire-utc.js";

    private static readonly Lock UtcScriptGate = new();
    private static bool utcScriptAdded;

    /// <summary>The dashboard at /jobs: Admin only, checked by the endpoint policy and again by Hangfire's own filter.</summary>
    public static void MapConsoleJobs(this WebApplication app)
    {
        // Times on the dashboard in the console's one format (UTC, marked); Hangfire keeps its routes process-wide: add once.
        lock (UtcScriptGate)
        {
            if (!utcScriptAdded)
            {
                DashboardRoutes.AddJavaScript(typeof(Jobs).Assembly, UtcScript);
                utcScriptAdded = true;
            }
        }
        app.MapHangfireDashboard("/jobs", new DashboardOptions
        {
            Authorization = [new PermissionDashboardFilter()],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Security Console jobs",
            AppPath = "/",
        }, app.Services.GetRequiredService<JobStorage>()).RequireAuthorization(Permissions.Policy(Permissions.JobsManage));
    }

    private sealed class PermissionDashboardFilter : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context) =>
            context.GetHttpContext().User.HasClaim(Permissions.ClaimType, Permissions.JobsManage);
    }
}

internal sealed class JobStorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(6);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            // Hangfire's storage API is synchronous: off the request thread, so that the timeout can end the wait on a frozen server.
            await Task.Run(() =>
            {
                using var connection = storage.GetConnection();
                connection.GetAllItemsFromSet("recurring-jobs");
            }, ct).WaitAsync(ct);
            return HealthCheckResult.Healthy("Job storage answers.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"Job storage unreachable ({ex.GetType().Name}).");
        }
    }
}
