using Hangfire;
using Microsoft.AspNetCore.Connections;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Setup;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Hosting;

public static class ConsoleHost
{
    /// <summary>
    /// What must happen before the console serves: migrations, roles, recurring jobs, demo data.
    /// Runs in Program before Run, and in the test factory before the test server starts.
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        // Built now rather than on the first request: an API endpoint missing from the authorization table stops the start.
        _ = services.GetRequiredService<EndpointDataSource>().Endpoints;
        var settings = services.GetRequiredService<ConsoleSettings>();
        await DataExtensions.MigrateAsync(services, settings, ct);
        await UsersFeature.SeedRolesAsync(services, ct);
        await AuditFeature.PrepareAuditAsync(services, ct);
        if (settings.Demo)
        {
            // Before anything else is audited: the demo's back-dated history has to be the start of the trail.
            await DemoData.SeedAsync(services, ct);
        }
        await DetectionFeature.PrepareDetectionAsync(services, ct);
        RegisterRecurringJobs(services.GetRequiredService<IRecurringJobManager>());
    }

    private static void RegisterRecurringJobs(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<CleanupJob>(CleanupJob.Id, j => j.RunAsync(CancellationToken.None), Cron.Daily(3));
        AuditFeature.RegisterAuditJobs(jobs);
        KeysFeature.RegisterKeyJobs(jobs);
        DetectionFeature.RegisterDetectionJobs(jobs);
        ComplianceFeature.RegisterComplianceJobs(jobs);
        ReportsFeature.RegisterReportJobs(jobs);
    }

    /// <summary>Serves until stopped. An address another process holds is the operator's to fix: one sentence naming 'Urls'.</summary>
    public static async Task RunAsync(WebApplication app)
    {
        try
        {
            await app.RunAsync();
        }
        catch (Exception ex) when (ex is AddressInUseException || ex.InnerException is AddressInUseException)
        {
            throw new StartupException($"Cannot listen where setting 'Urls' says: {ex.Message}", ex);
        }
    }

    /// <summary>Prints the one-time setup link (to a terminal) or how to get one, when no admin exists yet, once the server listens.</summary>
    public static void PrintSetupLinkWhenStarted(WebApplication app)
    {
        // With --demo, the demo accounts first, so that the setup link stays the last thing printed.
        if (app.Services.GetRequiredService<ConsoleSettings>().Demo)
        {
            DemoData.PrintAccountsWhenStarted(app);
        }
        SetupLink.PrintWhenStarted(app);
    }
}
