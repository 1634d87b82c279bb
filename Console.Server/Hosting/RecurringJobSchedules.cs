using Cronos;
using Hangfire;
using Hangfire.Common;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// <c>Jobs:Schedules:&lt;job id&gt;</c>: a cron expression (UTC) that replaces the schedule a feature gives one of its recurring
/// jobs, e.g. <c>Jobs:Schedules:compliance-sweep=*/30 * * * *</c> (ADR 0111). Checked when the console is built, before it
/// touches the database: a key that names no recurring job of the console, or a value Hangfire would not take as a cron
/// expression, stops the start with one sentence naming the key. Applied where the features register their jobs
/// (<see cref="ConsoleHost.PrepareAsync"/>): the features keep their own defaults and know nothing of this.
/// </summary>
public sealed class RecurringJobSchedules
{
    public const string Section = "Jobs:Schedules";

    private const string Expected = "a cron expression in UTC of five fields (minute hour day-of-month month day-of-week), or six with seconds first, with a next occurrence";

    private readonly Dictionary<string, string> _crons;

    private RecurringJobSchedules(Dictionary<string, string> crons, IReadOnlyDictionary<string, string> defaults)
    {
        _crons = crons;
        Defaults = defaults;
    }

    /// <summary>Each recurring job's id and the schedule its feature gives it (before <c>Jobs:Schedules</c>).</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; }

    /// <summary>The schedules configured, by job id.</summary>
    public IReadOnlyDictionary<string, string> Configured => _crons;

    /// <summary>
    /// Reads and checks <c>Jobs:Schedules</c> against the recurring jobs <paramref name="features"/> register (asked with a
    /// manager that only records them); throws <see cref="StartupException"/> on the first wrong key or value.
    /// </summary>
    public static RecurringJobSchedules Read(IConfiguration configuration, IEnumerable<IConsoleFeature> features)
    {
        var recorder = new Recorder();
        foreach (var feature in features)
        {
            feature.RegisterJobs(recorder);
        }
        var crons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in configuration.GetSection(Section).GetChildren())
        {
            var key = $"{Section}:{setting.Key}";
            // Configuration keys are case-insensitive; the job ids are the dashboard's, in lower case.
            var id = recorder.Jobs.Keys.FirstOrDefault(j => string.Equals(j, setting.Key, StringComparison.OrdinalIgnoreCase));
            if (id is null)
            {
                throw new StartupException($"Setting '{key}' names no recurring job of the console: the jobs are {Settings.OneOf([.. recorder.Jobs.Keys.Order(StringComparer.Ordinal)])}.");
            }
            var cron = setting.Value?.Trim();
            if (string.IsNullOrEmpty(cron) || !IsCron(cron))
            {
                throw new StartupException(Settings.Sentence(key, Expected, setting.Value));
            }
            crons[id] = cron;
        }
        return new RecurringJobSchedules(crons, recorder.Jobs);
    }

    /// <summary>
    /// What Hangfire's recurring job manager accepts (it parses with Cronos too): five fields, or six with seconds first,
    /// and an occurrence to come. Hangfire checks again when the job is added.
    /// </summary>
    private static bool IsCron(string cron)
    {
        var fields = cron.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            return false;
        }
        try
        {
            var expression = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return expression.GetNextOccurrence(DateTime.UtcNow, TimeZoneInfo.Utc) is not null;
        }
        catch (CronFormatException)
        {
            return false;
        }
    }

    /// <summary><paramref name="jobs"/>, with the configured schedule in place of a feature's for each job configured.</summary>
    public IRecurringJobManager Over(IRecurringJobManager jobs) => _crons.Count == 0 ? jobs : new Scheduled(jobs, _crons);

    private sealed class Scheduled(IRecurringJobManager inner, Dictionary<string, string> crons) : IRecurringJobManager
    {
        public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) =>
            inner.AddOrUpdate(recurringJobId, job, crons.GetValueOrDefault(recurringJobId, cronExpression), options);

        public void Trigger(string recurringJobId) => inner.Trigger(recurringJobId);

        public void RemoveIfExists(string recurringJobId) => inner.RemoveIfExists(recurringJobId);
    }

    /// <summary>Notes the ids and schedules the features register, and does nothing else.</summary>
    private sealed class Recorder : IRecurringJobManager
    {
        public Dictionary<string, string> Jobs { get; } = new(StringComparer.Ordinal);

        public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) =>
            Jobs[recurringJobId] = cronExpression;

        public void Trigger(string recurringJobId)
        {
        }

        public void RemoveIfExists(string recurringJobId)
        {
        }
    }
}
