using Hangfire;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Keys;
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
    }

    /// <summary>Prints the one-time setup link when no user exists yet, once the server listens.</summary>
    public static void PrintSetupLinkWhenStarted(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            using var scope = app.Services.CreateScope();
            var setup = scope.ServiceProvider.GetRequiredService<SetupService>();
            if (!setup.IsNeededAsync(CancellationToken.None).GetAwaiter().GetResult())
            {
                return;
            }
            var token = setup.IssueAsync(CancellationToken.None).GetAwaiter().GetResult();
            var baseUrl = app.Services.GetRequiredService<ConsoleSettings>().PublicUrl ?? ListeningUrl(app);
            // Written to the terminal only, never to the logging pipeline, which may be exported.
            System.Console.WriteLine();
            System.Console.WriteLine("  No admin exists yet. Open this one-time link within 1 hour to create the first admin:");
            System.Console.WriteLine($"  {baseUrl}/setup?token={token}");
            System.Console.WriteLine();
        });
    }

    private static string ListeningUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault() ?? "http://localhost:5080";
        return url.Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost").TrimEnd('/');
    }
}
