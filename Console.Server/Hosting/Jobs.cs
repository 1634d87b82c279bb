using Hangfire;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting;

/// <summary>Hangfire runs every scheduled job: in memory on the embedded defaults, in PostgreSQL in production.</summary>
public static class Jobs
{
    public static WebApplicationBuilder AddConsoleJobs(this WebApplicationBuilder builder, ConsoleSettings settings)
    {
        builder.Services.AddHangfire((services, config) =>
        {
            config.UseLogProvider(new HangfireLogBridge(services.GetRequiredService<ILoggerFactory>()))
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            switch (settings.Provider)
            {
                case DatabaseProvider.Postgres:
                    config.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(settings.ConnectionString),
                        new PostgreSqlStorageOptions
                        {
                            SchemaName = "hangfire",
                            PrepareSchemaIfNecessary = true,
                            // The migrations run right after and say in one sentence when the database is
                            // unreachable; Hangfire's own start-up retries would only delay that by half a minute.
                            StartupConnectionMaxRetries = 1,
                            StartupConnectionBaseDelay = TimeSpan.FromMilliseconds(100),
                            StartupConnectionMaxDelay = TimeSpan.FromMilliseconds(100),
                            AllowDegradedModeWithoutStorage = true,
                        });
                    break;
                case DatabaseProvider.Sqlite:
                    config.UseInMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromDays(1) });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown provider {settings.Provider}.");
            }
        });
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
        }).RequireAuthorization(Permissions.Policy(Permissions.JobsManage));
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
