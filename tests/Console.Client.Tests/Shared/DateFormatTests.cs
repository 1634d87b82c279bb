using System.Text.RegularExpressions;
using SecurityConsole.Client.Shared;

namespace SecurityConsole.Client.Tests.Shared;

/// <summary>
/// One format and one clock for every date the console shows (issue 14): 24-hour, UTC, marked "UTC", from one helper
/// (<see cref="When"/>). The source scan fails on a date formatted anywhere else in the client, or a time turned into the
/// viewer's zone; the wire format (ISO 8601, "O") for query strings is allowed.
/// </summary>
public sealed partial class DateFormatTests
{
    [Fact]
    public void TheHelperWritesTwentyFourHourUtcMarkedTimes()
    {
        var at = new DateTimeOffset(2026, 12, 2, 19, 5, 9, TimeSpan.FromHours(2));

        Assert.Equal("2026-12-02 17:05 UTC", When.Time(at));
        Assert.Equal("2026-12-02 17:05:09 UTC", When.Precise(at));
        Assert.Equal("2026-12-02", When.Day(at));
        Assert.Equal("2026-12-02", When.Day(new DateOnly(2026, 12, 2)));
        Assert.Equal("17:05:09 UTC", When.Clock(at));
        Assert.Equal("Wed 2026-12-02 17:05 UTC", When.Weekday(at));
        Assert.Equal("never", When.Time(null, "never"));
        Assert.Equal("07", When.Hour(7));
    }

    [Fact]
    public void NoDateInTheClientIsFormattedOutsideTheOneHelper()
    {
        var client = Path.Combine(RepositoryRoot(), "Console.Client");
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(client, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal))
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.EndsWith($"Shared{Path.DirectorySeparatorChar}When.cs", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (var pattern in Forbidden)
                {
                    if (pattern.Rule.IsMatch(lines[i]))
                    {
                        problems.Add($"{Path.GetRelativePath(client, file)}:{i + 1}: {pattern.Why}: {lines[i].Trim()}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, "Dates must be shown through Client/Shared/When.cs:\n" + string.Join("\n", problems));
        Assert.True(Directory.EnumerateFiles(client, "*.razor", SearchOption.AllDirectories).Count() > 40, "the scan found the client's pages");
    }

    [Fact]
    public void EveryChartNamesBothAxesAndNoneIsAnAreaOrAPie()
    {
        var client = Path.Combine(RepositoryRoot(), "Console.Client");
        var problems = new List<string>();
        var charts = 0;
        foreach (var file in Directory.EnumerateFiles(client, "*.razor", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            foreach (Match tag in ChartTag().Matches(File.ReadAllText(file)))
            {
                charts++;
                foreach (var needed in new[] { "XTitle=", "YTitle=" })
                {
                    if (!tag.Value.Contains(needed, StringComparison.Ordinal))
                    {
                        problems.Add($"{Path.GetFileName(file)}: a chart without {needed}: {tag.Value}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(charts >= 9, $"found {charts} charts");
        Assert.Equal(["Line", "Bar", "Heatmap"], Enum.GetNames<SecurityConsole.Client.Charts.ApexChartType>());
    }

    private static readonly (Regex Rule, string Why)[] Forbidden =
    [
        (new Regex(@"ToLocalTime\s*\(", RegexOptions.Compiled), "the viewer's zone instead of UTC"),
        (new Regex(@"TimeZoneInfo\.Local", RegexOptions.Compiled), "the viewer's zone instead of UTC"),
        (new Regex(@"To(Short|Long)(Date|Time)String\s*\(", RegexOptions.Compiled), "a culture's date format"),
        // A custom date format in ToString: yyyy, MM, MMM, dd, HH, hh, mm:ss ...
        (new Regex("""ToString\(\s*"[^"]*(yyyy|yy|MMM|MM|dd|ddd|HH|hh|mm|ss)[^"]*"\s*[,)]""", RegexOptions.Compiled), "a date format of its own"),
        // A standard date format (g, G, d, D, t, T, f, F, r, s, u, m, y); "O" (ISO, the wire format) is allowed.
        (new Regex("""ToString\(\s*"[gGdDtTfFrsuUmMyY]"\s*[,)]""", RegexOptions.Compiled), "a culture's date format"),
        // Interpolated: {at:yyyy-MM-dd}, {at:HH:mm}.
        (new Regex(@"\{[^{}"":]+:(?=[^{}]*[yMdHhgGDTt])[yMdHhmsfgGDTt\-:/ .,]+\}", RegexOptions.Compiled), "a date format of its own"),
        // Razor: @(x.ToString(...)) on a date field is caught above; @at.Date, @at.TimeOfDay drop the marker.
        (new Regex(@"@\w+(\.\w+)*\.(CreatedAt|ExpiresAt|UpdatedAt|LastSeenAt|FirstSeenAt|Time|At)\b(?!\s*[\.\(])", RegexOptions.Compiled), "a raw date in a page"),
    ];

    [GeneratedRegex(@"<ApexChart\b[^>]*/?>", RegexOptions.Singleline)]
    private static partial Regex ChartTag();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecurityConsole.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("SecurityConsole.sln not found above " + AppContext.BaseDirectory);
    }
}
