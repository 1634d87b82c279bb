using System.Globalization;

namespace SecurityConsole.Client.Shared;

/// <summary>
/// The one way the console shows a date or a time (issue 14): 24-hour, in UTC, and marked "UTC", so that a time on a
/// page, in the audit trail, in an export and on the Hangfire page reads the same whoever looks and wherever they are.
/// Every date the client shows goes through here; <c>DateFormatTests</c> fails on a date formatted anywhere else.
/// </summary>
public static class When
{
    /// <summary>The marker after every time.</summary>
    public const string Zone = "UTC";

    /// <summary>"2026-12-02 17:33 UTC".</summary>
    public static string Time(DateTimeOffset at) => $"{Utc(at, "yyyy-MM-dd HH:mm")} {Zone}";

    /// <summary>"2026-12-02 17:33 UTC", or <paramref name="none"/> when there is no time.</summary>
    public static string Time(DateTimeOffset? at, string none) => at is { } t ? Time(t) : none;

    /// <summary>"2026-12-02 17:33:05 UTC", where the second matters (the audit trail, live events).</summary>
    public static string Precise(DateTimeOffset at) => $"{Utc(at, "yyyy-MM-dd HH:mm:ss")} {Zone}";

    /// <summary>"2026-12-02": a day (expiry, a review's start); days are UTC days.</summary>
    public static string Day(DateTimeOffset at) => Utc(at, "yyyy-MM-dd");

    /// <summary>"2026-12-02".</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"17:33:05 UTC": a time today, next to something that says the day.</summary>
    public static string Clock(DateTimeOffset at) => $"{Utc(at, "HH:mm:ss")} {Zone}";

    /// <summary>"Wed 2026-12-02 17:33 UTC": a coming run, where the weekday helps.</summary>
    public static string Weekday(DateTimeOffset at) => $"{Utc(at, "ddd yyyy-MM-dd HH:mm")} {Zone}";

    /// <summary>The exact instant, ISO 8601 with the offset ("2026-12-02T17:33:05.1234567+00:00").</summary>
    public static string Exact(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>"03": an hour of the day (UTC), for a chart axis titled "Hour of day (UTC)".</summary>
    public static string Hour(int hour) => hour.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>
    /// The format of <see cref="Time(DateTimeOffset)"/> in ApexCharts' terms, for chart tooltips. Charts draw in UTC and
    /// say so in their axis title ("Time (UTC)"): ApexCharts' formatter has no quoting for a literal "UTC".
    /// </summary>
    public const string ChartTooltip = "yyyy-MM-dd HH:mm";

    /// <summary>ApexCharts' formats for the labels of a time axis, one per zoom level, in the same order and words.</summary>
    public static readonly IReadOnlyDictionary<string, string> ChartAxis = new Dictionary<string, string>
    {
        ["year"] = "yyyy",
        ["month"] = "yyyy-MM",
        ["day"] = "MM-dd",
        ["hour"] = "HH:mm",
        ["minute"] = "HH:mm",
        ["second"] = "HH:mm:ss",
    };

    private static string Utc(DateTimeOffset at, string format) => at.UtcDateTime.ToString(format, CultureInfo.InvariantCulture);
}
