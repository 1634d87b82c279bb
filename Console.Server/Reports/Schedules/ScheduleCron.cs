using Cronos;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Reports.Schedules;

/// <summary>A schedule's cron expression in its time zone, parsed by Cronos; problems name 'cron' or 'timeZone' with the reason.</summary>
public sealed record ScheduleCron(CronExpression Expression, TimeZoneInfo Zone)
{
    public static ScheduleCron? Parse(string? cron, string? timeZone, Validator v)
    {
        CronExpression? expression = null;
        TimeZoneInfo? zone = null;
        if (!string.IsNullOrWhiteSpace(cron))
        {
            var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (fields is not (1 or 5 or 6))
            {
                v.Add("cron", $"A cron expression has five fields (minute hour day-of-month month day-of-week), or six with seconds first; this one has {fields}.");
            }
            else
            {
                try
                {
                    expression = CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
                }
                catch (CronFormatException ex)
                {
                    v.Add("cron", $"Not a valid cron expression: {ex.Message}");
                }
            }
        }
        if (!string.IsNullOrWhiteSpace(timeZone))
        {
            // IANA ids ("Europe/Paris") and Windows ids ("Romance Standard Time") both resolve, through ICU.
            if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
            {
                v.Add("timeZone", $"Unknown time zone '{timeZone}': give an IANA id such as Europe/Paris or UTC.");
            }
        }
        return expression is null || zone is null ? null : new ScheduleCron(expression, zone);
    }

    /// <summary>The next occurrence as a UTC instant (PostgreSQL's timestamptz takes offset 0 only; a view converts to the zone itself).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset instant) => Expression.GetNextOccurrence(instant, Zone)?.ToUniversalTime();

    /// <summary>The next <paramref name="count"/> runs after <paramref name="instant"/>, with the zone's offset at each.</summary>
    public List<DateTimeOffset> Next(DateTimeOffset instant, int count)
    {
        var runs = new List<DateTimeOffset>();
        var at = instant;
        while (runs.Count < count && NextAfter(at) is { } next)
        {
            runs.Add(next);
            at = next;
        }
        return runs;
    }
}
