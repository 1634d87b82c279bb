using System.Globalization;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Effectiveness over a period from the results history: "100% of days in Q3; failing 2 h on 14 Aug (from … to …)".
/// A day counts as passing when it ended passing, as on the heat-map; the stretches that were not passing are listed
/// with their times, so a short failure within a passing day is still seen.
/// </summary>
public static class Effectiveness
{
    public const int MaxSpans = 100;

    public static ControlEffectiveness Compute(Control control, ControlHistory history, DateTimeOffset from, DateTimeOffset to)
    {
        var spans = history.Intervals(control.Id, from, to);
        var known = spans.Sum(s => (s.To - s.From).TotalSeconds);
        var passing = spans.Where(s => ComplianceStatuses.IsPassing(s.Status)).Sum(s => (s.To - s.From).TotalSeconds);
        int days = 0, daysKnown = 0, daysPassing = 0;
        for (var day = DateOnly.FromDateTime(from.UtcDateTime); day.ToDateTime(TimeOnly.MinValue) < to.UtcDateTime; day = day.AddDays(1))
        {
            days++;
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-1);
            if (end > to)
            {
                end = to.AddTicks(-1);
            }
            if (history.ControlAt(control.Id, end) is { } status)
            {
                daysKnown++;
                daysPassing += ComplianceStatuses.IsPassing(status) ? 1 : 0;
            }
        }
        var notPassing = spans.Where(s => !ComplianceStatuses.IsPassing(s.Status) && s.Status != ComplianceStatuses.NotApplicable)
            .Select(s => new StatusSpan(s.Status, s.From, s.To)).ToList();
        double? shareOfDays = daysKnown == 0 ? null : (double)daysPassing / daysKnown;
        double? shareOfTime = known <= 0 ? null : passing / known;
        return new ControlEffectiveness(control.Id, control.Title, from, to, days, daysKnown, daysPassing, shareOfDays, shareOfTime,
            [.. notPassing.TakeLast(MaxSpans)], Summary(daysKnown, daysPassing, shareOfDays, shareOfTime, notPassing, from, to));
    }

    private static string Summary(int daysKnown, int daysPassing, double? shareOfDays, double? shareOfTime, List<StatusSpan> notPassing, DateTimeOffset from, DateTimeOffset to)
    {
        if (shareOfDays is null)
        {
            return $"Not evaluated between {Day(from)} and {Day(to)}.";
        }
        var text = $"Passing {Percent(shareOfDays.Value)} of days ({daysPassing} of {daysKnown}) from {Day(from)} to {Day(to)}, {Percent(shareOfTime ?? 0)} of the time";
        if (notPassing.Count == 0)
        {
            return text + "; never failing.";
        }
        var parts = notPassing.Take(3).Select(s =>
            $"{State(s.Status)} {Duration(s.To - s.From)} on {Day(s.From)} (from {s.From.UtcDateTime:HH:mm} to {Until(s)} UTC)");
        return $"{text}; {string.Join("; ", parts)}{(notPassing.Count > 3 ? $"; and {notPassing.Count - 3} more" : "")}.";
    }

    private static string State(string status) => status switch
    {
        ComplianceStatuses.Fail => "failing",
        ComplianceStatuses.Error => "not evaluable",
        ComplianceStatuses.ManualDue => "attestation due",
        _ => ComplianceStatuses.Display(status).ToLowerInvariant(),
    };

    private static string Until(StatusSpan s) =>
        s.To.UtcDateTime.Date == s.From.UtcDateTime.Date ? s.To.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) : s.To.UtcDateTime.ToString("d MMM HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Floored, so that a shortfall never rounds up to 100%; with one decimal from 99% up ("99.9%").</summary>
    private static string Percent(double share)
    {
        var value = share * 100 >= 99 ? Math.Floor(share * 1000) / 10 : Math.Floor(share * 100);
        return value.ToString("0.#", CultureInfo.InvariantCulture) + "%";
    }

    private static string Day(DateTimeOffset t) => t.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) =>
        span.TotalDays >= 2 ? $"{(int)span.TotalDays} days" : span.TotalHours >= 1 ? $"{(int)Math.Round(span.TotalHours)} h" : $"{Math.Max(1, (int)Math.Round(span.TotalMinutes))} min";
}
