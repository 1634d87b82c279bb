using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Compliance;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Client.Tests.Compliance;

public sealed class CompliancePagesTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public CompliancePagesTests() => SignInWith(Permissions.ComplianceRead);

    internal static FrameworkSummary Pci(double? passRate = 0.75, string firstStatus = S.Fail) => new(
        "pci-dss", "PCI DSS", "4.0.1", "https://example.test/pci", true, passRate, 8, 6, 20, 0.6, 12,
        new Dictionary<string, int> { [S.Fail] = 2, [S.Pass] = 6, [S.NotApplicable] = 12 },
        [new(DateOnly.FromDateTime(Now.UtcDateTime).AddDays(-1), null, 0, 0), new(DateOnly.FromDateTime(Now.UtcDateTime), passRate, 8, 6)],
        ["8", "10"],
        [new("8", DateOnly.FromDateTime(Now.UtcDateTime), 0.5), new("10", DateOnly.FromDateTime(Now.UtcDateTime), 1)],
        [new("8.4.1", "8.4", "MFA for administrative access", null, true, firstStatus, true, ["two-factor-privileged"]),
         new("10.5.1", "10.5", "Audit log history is kept for 12 months", null, true, S.Pass, true, ["retention-floors"])],
        [new("8", "Identify users and authenticate access"), new("10", "Log and monitor all access")]);

    internal static ControlView TwoFactor(string status = S.Fail, string? error = null) => new(
        "two-factor-privileged", "Two-factor on every privileged account", "Every privileged person signs in with a second factor.", status, true,
        [new("pci-dss", "8.4.1", "equal", "Administrative access needs a second factor.")],
        [new("two-factor-privileged", "Two-factor", status, Now, error, error is null ? status : S.Pass, Now.AddHours(-1), 1, 1,
            [new("user", "root@example.test", S.Fail, "root@example.test holds Admin but has two-factor turned off.", "/admin/users"),
             new("user", "ada@example.test", S.Pass, "ada@example.test (Admin) signs in with two-factor.", "/admin/users")])]);

    [Fact]
    public void TheOverviewShowsTheTwoNumbersCountsHeatmapAndFailingFirstPerFramework()
    {
        Api.ComplianceOverview = _ => Task.FromResult(new ComplianceOverview(ComplianceScope.Statement, Now, [Pci()]));
        var cut = RenderPage<CompliancePage>();

        cut.WaitForAssertion(() => Assert.Equal("75%", cut.Find("[data-testid=pass-rate]").TextContent.Trim()));
        Assert.Equal("60%", cut.Find("[data-testid=coverage]").TextContent.Trim());
        Assert.Contains("12 of 20 requirements have an automated check", cut.Find("[data-testid=framework-card]").TextContent);
        Assert.Equal(["fail", "pass", "not_applicable"], cut.FindAll("[data-testid=status-count]").Select(c => c.GetAttribute("data-status")));
        Assert.Equal(2, cut.FindAll("[data-testid=heat-cell]").Count);
        // Each row of the heat-map names its family by id and title, not by a bare number.
        Assert.Equal(["8 Identify users and authenticate access", "10 Log and monitor all access"],
            cut.FindAll("[data-testid=heat-family]").Select(th => System.Text.RegularExpressions.Regex.Replace(th.TextContent, @"\s+", " ").Trim()));
        Assert.Equal("8 Identify users and authenticate access", cut.Find("[data-testid=heat-family]").GetAttribute("title"));
        Assert.StartsWith("8 Identify users and authenticate access, ", cut.Find("[data-testid=heat-cell]").GetAttribute("title"));
        var first = cut.FindAll("[data-testid=failing-item]")[0];
        Assert.Contains("8.4.1", first.TextContent);
        Assert.Equal("compliance/pci-dss/requirements/8.4.1", first.GetAttribute("href"));
        Assert.Contains("not a statement that your organisation is compliant", cut.Find("[data-testid=compliance-scope]").TextContent);
        // The heat-map says which day each column is, in the console's one date format, and what its colours mean.
        var today = DateOnly.FromDateTime(Now.UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"One column per day (UTC), {today} on the left to {today} on the right", cut.Find("[data-testid=heatmap-legend]").TextContent);
        Assert.Contains("nothing evaluated", cut.Find("[data-testid=heatmap-legend]").TextContent);
        // The trend's axes say what they are: days, and the percentage in pass (0 to 100), short enough to fit the chart's height.
        var options = System.Text.Json.JsonSerializer.SerializeToElement(cut.FindComponent<SecurityConsole.Client.Charts.ApexChart>().Instance.BuildOptions());
        Assert.Equal("% in pass", options.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(100, options.GetProperty("yaxis").GetProperty("max").GetDouble());
        // 0, 25, 50, 75, 100: whole numbers, whatever the day's rates (not "50.0" on one card and "50" on the next).
        Assert.Equal(0, options.GetProperty("yaxis").GetProperty("decimalsInFloat").GetInt32());
        Assert.Equal(4, options.GetProperty("yaxis").GetProperty("tickAmount").GetInt32());
        Assert.Equal("Day (UTC)", options.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void TheOverviewShowsLoadingThenAnErrorInWordsWithARetry()
    {
        var answer = new TaskCompletionSource<ComplianceOverview>();
        Api.ComplianceOverview = _ => answer.Task;
        var cut = RenderPage<CompliancePage>();
        Assert.NotEmpty(cut.FindAll("[data-testid=compliance-loading]"));

        answer.SetException(new ApiException(HttpStatusCode.ServiceUnavailable, "The database is unavailable", null, null));
        cut.WaitForAssertion(() => Assert.Contains("could not be loaded", cut.Find("[data-testid=compliance-error]").TextContent));

        Api.ComplianceOverview = _ => Task.FromResult(new ComplianceOverview(ComplianceScope.Statement, Now, []));
        cut.Find("[data-testid=compliance-error] button").Click();
        cut.WaitForAssertion(() => Assert.Contains("No framework is enabled", cut.Markup));
    }

    [Fact]
    public async Task AControlThatChangesElsewhereUpdatesTheOverviewLive()
    {
        var rate = 1.0;
        Api.ComplianceOverview = _ => Task.FromResult(new ComplianceOverview(ComplianceScope.Statement, Now, [Pci(rate, S.Pass)]));
        var cut = RenderPage<CompliancePage>();
        cut.WaitForAssertion(() => Assert.Equal("100%", cut.Find("[data-testid=pass-rate]").TextContent.Trim()));

        rate = 0.875;
        await Services.GetRequiredService<LiveConnection>().DispatchAsync(HubMethods.ComplianceChanged,
            new ComplianceChange("two-factor-privileged", "Two-factor on every privileged account", S.Fail, S.Pass, Now));

        cut.WaitForAssertion(() => Assert.Equal("88%", cut.Find("[data-testid=pass-rate]").TextContent.Trim()));
        Assert.Contains("Two-factor on every privileged account is now fail", cut.Find("[data-testid=last-change]").TextContent);
        Assert.Equal(2, Api.OverviewRequests.Count);
    }

    [Fact]
    public void TheFrameworkPageListsTheRequirementTreeWithStatusesAndLinks()
    {
        Api.ComplianceFramework = _ => Task.FromResult(new FrameworkDetail(Pci(),
        [
            new("8", null, "Identify users and authenticate access", null, false, S.Fail, false, []),
            new("8.4.1", "8", "MFA for administrative access", null, true, S.Fail, true, ["two-factor-privileged"]),
            new("8.2.2", "8", "Shared accounts only by exception", null, true, S.NotApplicable, false, []),
        ]));
        var cut = Render<FrameworkPage>(p => p.Add(x => x.Framework, "pci-dss"));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=requirement-row]").Count));
        var rows = cut.FindAll("[data-testid=requirement-row]");
        Assert.Equal("compliance/pci-dss/requirements/8.4.1", rows[1].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("fail", rows[1].QuerySelector("[data-testid=status-chip]")!.GetAttribute("data-status"));
        Assert.Contains("Not covered by this console", rows[2].TextContent);
        Assert.Null(rows[0].QuerySelector("a"));
    }

    [Fact]
    public void AnUnknownFrameworkSaysSoInWords()
    {
        Api.ComplianceFramework = _ => throw new ApiException(HttpStatusCode.NotFound, "Not found", null, null);
        var cut = Render<FrameworkPage>(p => p.Add(x => x.Framework, "iso"));
        cut.WaitForAssertion(() => Assert.Contains("There is no framework 'iso'", cut.Find("[data-testid=framework-error]").TextContent));
    }

    [Fact]
    public void TheRequirementPageLeadsToTheFailingRowsWithTheirReasonAndLink()
    {
        Api.ComplianceRequirement = (_, _) => Task.FromResult(new RequirementDetail("pci-dss", "PCI DSS",
            new("8.4.1", "8.4", "MFA for administrative access", "https://example.test/pci", true, S.Fail, true, ["two-factor-privileged"]),
            [TwoFactor()], ComplianceScope.Statement));
        var cut = Render<RequirementPage>(p => p.Add(x => x.Framework, "pci-dss").Add(x => x.Requirement, "8.4.1"));

        cut.WaitForAssertion(() => Assert.Contains("PCI DSS 8.4.1: MFA for administrative access", cut.Find("[data-testid=requirement-title]").TextContent));
        var failing = cut.FindAll("[data-testid=row]")[0];
        Assert.Equal("fail", failing.GetAttribute("data-status"));
        Assert.Contains("root@example.test holds Admin but has two-factor turned off.", failing.TextContent);
        Assert.Equal("admin/users", failing.QuerySelector("[data-testid=row-link]")!.GetAttribute("href"));
    }

    [Fact]
    public void AControlThatCouldNotBeEvaluatedShowsTheErrorApartWithItsLastGoodResult()
    {
        Api.ComplianceControl = _ => Task.FromResult(TwoFactor(S.Error, "TimeoutException: the database did not answer"));
        var cut = Render<ControlPage>(p => p.Add(x => x.Id, "two-factor-privileged"));

        cut.WaitForAssertion(() => Assert.Contains("Could not evaluate: TimeoutException", cut.Find("[data-testid=check-error]").TextContent));
        Assert.Contains("Last good result: pass", cut.Find("[data-testid=check-error]").TextContent);
        Assert.Equal("error", cut.Find("[data-testid=control] [data-testid=status-chip]").GetAttribute("data-status"));
        Assert.Contains("Administrative access needs a second factor.", cut.Find("[data-testid=mappings]").TextContent);
    }
}
