using Hangfire;
using Microsoft.AspNetCore.Connections;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Demo;

namespace SecurityConsole.Server.Hosting;

public static class ConsoleHost
{
    /// <summary>
    /// What must happen before the console serves or runs an operator command, feature by feature in Program.cs's order:
    /// migrations, what the first write needs (roles, the trail's keys), the demo when asked for, each feature's built-in
    /// data (the detection rules, once). The recurring jobs are not among them: only a node that serves registers them
    /// (<see cref="RegisterJobs"/>). Runs in Program before Run (and so in the test factory before the test server
    /// starts), and before every operator command (<see cref="AdminCommands"/>).
    /// </summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct = default)
    {
        // Built now rather than on the first request: an API endpoint missing from the authorization table stops the start.
        _ = services.GetRequiredService<EndpointDataSource>().Endpoints;
        var settings = services.GetRequiredService<ConsoleSettings>();
        await DataExtensions.MigrateAsync(services, settings, ct);
        var features = ConsoleFeatures.Of(services).ToList();
        foreach (var feature in features)
        {
            await feature.PrepareAsync(services, ct);
        }
        if (settings.Demo)
        {
            // Before anything else is audited: the demo's back-dated history has to be the start of the trail.
            await DemoData.SeedAsync(services, ct);
        }
        foreach (var feature in features)
        {
            await feature.SeedAsync(services, ct);
        }
    }

    /// <summary>
    /// Each feature's recurring jobs with its schedule, or the one <c>Jobs:Schedules</c> gives the job instead (ADR 0111):
    /// by a node about to serve, after <see cref="PrepareAsync"/>, never by an operator command (ADR 0145). Hangfire keeps
    /// one schedule per job for the whole cluster and counts a changed schedule from the moment it changes: a command run
    /// with other settings than the nodes' (a shell without <c>Jobs__Schedules__…</c>) would replace theirs until a node's
    /// next start put them back, and the occurrences due meanwhile would not run on their own.
    /// </summary>
    public static void RegisterJobs(IServiceProvider services)
    {
        var features = ConsoleFeatures.Of(services).ToList();
        var schedules = services.GetRequiredService<RecurringJobSchedules>();
        var jobs = schedules.Over(services.GetRequiredService<IRecurringJobManager>());
        foreach (var feature in features)
        {
            feature.RegisterJobs(jobs);
        }
        if (schedules.Configured.Count > 0)
        {
            var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConsoleHost));
            foreach (var (id, cron) in schedules.Configured)
            {
                log.LogInformation("Recurring job {Job} runs on {Cron} (Jobs:Schedules) instead of {Default}", id, cron, schedules.Defaults[id]);
            }
        }
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
}
