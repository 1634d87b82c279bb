using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// <c>Jobs:Schedules:&lt;job id&gt;</c> (ADR 0111): the operator's cron expression replaces a recurring job's own schedule, as
/// the Hangfire dashboard then shows it; the jobs not named keep theirs. Wrong keys and values stop the start
/// (ConfigurationValidationTests).
/// </summary>
public sealed class RecurringJobScheduleTests
{
    [Fact]
    public async Task AConfiguredScheduleReplacesThatJobsOwnAndTheOthersKeepTheirs()
    {
        await using var console = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?>
        {
            ["Jobs:Schedules:compliance-sweep"] = "*/3 * * * *",
            // Configuration keys are case-insensitive, as everywhere else.
            ["Jobs:Schedules:Report-Schedules"] = "*/2 * * * *",
        });
        console.CreateClient().Dispose();

        using var connection = console.Services.GetRequiredService<JobStorage>().GetConnection();
        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id, j => j.Cron, StringComparer.Ordinal);

        Assert.Equal("*/3 * * * *", jobs.GetValueOrDefault("compliance-sweep"));
        Assert.Equal("*/2 * * * *", jobs.GetValueOrDefault("report-schedules"));
        Assert.Equal("*/5 * * * *", jobs.GetValueOrDefault("audit-checkpoint"));
        Assert.Equal(Cron.Daily(2), jobs.GetValueOrDefault("audit-retention"));
    }
}
