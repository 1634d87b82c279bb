using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// The built-in compliance posture report reads compliance through its report door: every enabled framework, its
/// requirements by status as the compliance API shows them, the scope statement, and the same data for a closed period.
/// </summary>
/// <remarks>One console per class: the catalogue test only reads the catalogue; the posture test compares the report with the compliance API at the same moment.</remarks>
public abstract class CompliancePostureReportTests(SharedConsole console)
{
    protected ConsoleFactory Factory => console.Factory;

    private static object Posture(string format, DateTimeOffset to, string? framework = null) => new
    {
        template = ReportTypes.CompliancePosture,
        format,
        parameters = new Dictionary<string, string>
        {
            ["period"] = ReportPeriods.Custom, ["from"] = to.AddDays(-2).ToString("O"), ["to"] = to.ToString("O"),
        }.Concat(framework is null ? [] : new Dictionary<string, string> { ["framework"] = framework }).ToDictionary(),
    };

    [Fact]
    public async Task ThePostureReportShowsEveryEnabledFrameworkAsTheComplianceApiDoesAndAClosedPeriodRepeats()
    {
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ComplianceSweepJob>().RunAsync(Ct);
        }
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var overview = (await auditor.GetFromJsonAsync<ComplianceOverview>("/api/v1/compliance", Json, Ct))!;
        Assert.NotEmpty(overview.Frameworks);
        Assert.Contains(overview.Frameworks, f => f.Evaluated > 0);

        // CSV: one row per assessable requirement of each enabled framework, with the status the compliance API shows.
        var csvRun = await Factory.StartAndRunAsync(auditor, Posture(ReportFormats.Csv, DateTimeOffset.UtcNow.AddHours(1)));
        var lines = (await auditor.GetStringAsync($"/api/v1/reports/runs/{csvRun.Id}/download", Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("framework,requirement,title,family,status,automated,controls", lines[0].TrimEnd('\r'));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(overview.Frameworks.Sum(f => f.Assessable), rows.Count);
        Assert.Equal(rows.Count, csvRun.RowCount);
        foreach (var f in overview.Frameworks)
        {
            var detail = (await auditor.GetFromJsonAsync<FrameworkDetail>($"/api/v1/compliance/frameworks/{f.Id}", Json, Ct))!;
            var expected = detail.Requirements.Where(r => r.Assessable).ToDictionary(r => r.Id, r => r.Status);
            var reported = rows.Where(r => r[0] == f.Id).ToDictionary(r => r[1], r => r[^3]);
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), reported.OrderBy(e => e.Key, StringComparer.Ordinal));
        }

        // HTML: each framework with its pass rate and the statement of what the evidence is about.
        var htmlRun = await Factory.StartAndRunAsync(auditor, Posture(ReportFormats.Html, DateTimeOffset.UtcNow.AddHours(1)));
        var html = await auditor.GetStringAsync($"/api/v1/reports/runs/{htmlRun.Id}/download", Ct);
        Assert.Contains(ComplianceScope.Statement, html);
        foreach (var f in overview.Frameworks)
        {
            Assert.Contains($"{f.Name} {f.Version}", html);
            var rate = f.PassRate is { } r ? Math.Round(100 * r, 1).ToString(CultureInfo.InvariantCulture) + " %" : "not evaluated";
            Assert.Contains(rate, html);
        }
        Assert.Contains("<svg", html);
        // And how each control fared over the period, from its recorded status changes (the same section an evidence pack's report has).
        Assert.Contains("Controls over the period", html);
        Assert.Contains("two-factor-privileged", html);

        // One framework only, through the filter.
        var one = overview.Frameworks[0];
        var filtered = await Factory.StartAndRunAsync(auditor, Posture(ReportFormats.Csv, DateTimeOffset.UtcNow.AddHours(1), one.Id));
        Assert.Equal(one.Assessable, filtered.RowCount);

        // A closed period reads the recorded history only: the same data and the same HTML however often it runs.
        var closed = DateTimeOffset.UtcNow.AddSeconds(-1);
        var first = await Factory.StartAndRunAsync(auditor, Posture(ReportFormats.Html, closed));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ComplianceSweepJob>().RunAsync(Ct);
        }
        var second = await Factory.StartAndRunAsync(auditor, Posture(ReportFormats.Html, closed));
        Assert.Equal(first.Artifact!.DataSha256, second.Artifact!.DataSha256);
        Assert.Equal(first.Artifact.Sha256, second.Artifact.Sha256);
    }

    [Fact]
    public async Task AnUnknownFrameworkIsRefusedNamingTheFieldOnRunsPreviewsAndSchedules()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var run = await admin.PostAsJsonAsync("/api/v1/reports/runs", Posture(ReportFormats.Csv, DateTimeOffset.UtcNow, "pci-dss-9"), Ct);
        var message = (await run.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("parameters.framework")[0];
        // The sentence lists the frameworks there are.
        var overview = (await admin.GetFromJsonAsync<ComplianceOverview>("/api/v1/compliance", Json, Ct))!;
        Assert.All(overview.Frameworks, f => Assert.Contains(f.Id, message));

        var preview = await admin.PostAsJsonAsync("/api/v1/reports/templates/preview", new
        {
            type = ReportTypes.CompliancePosture, source = BuiltInTemplates.Source(ReportTypes.CompliancePosture), parameters = new Dictionary<string, string> { ["framework"] = "pci-dss-9" },
        }, Ct);
        Assert.NotEmpty((await preview.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("parameters.framework"));

        var schedule = await admin.PostAsJsonAsync("/api/v1/reports/schedules", new
        {
            name = "Posture", template = ReportTypes.CompliancePosture, format = ReportFormats.Html, cron = "0 6 * * 1", timeZone = "UTC",
            parameters = new Dictionary<string, string> { ["period"] = ReportPeriods.LastMonth, ["framework"] = "pci-dss-9" },
            delivery = new { inApp = true },
        }, Ct);
        Assert.NotEmpty((await schedule.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("parameters.framework"));
    }

    [Fact]
    public async Task AClosedPeriodListsTheFrameworksEnabledAtItsEndWhateverIsEnabledLater()
    {
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ComplianceSweepJob>().RunAsync(Ct);
        }
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var overview = (await admin.GetFromJsonAsync<ComplianceOverview>("/api/v1/compliance", Json, Ct))!;
        var gone = overview.Frameworks.First(f => f.Enabled);
        var heading = $"{gone.Name} {gone.Version}";
        var closed = DateTimeOffset.UtcNow.AddSeconds(-1);
        var before = await Factory.StartAndRunAsync(admin, Posture(ReportFormats.Html, closed));
        Assert.Contains(heading, await admin.GetStringAsync($"/api/v1/reports/runs/{before.Id}/download", Ct));

        // Disabled after the period ended: the closed period still shows it, byte for byte as before.
        (await admin.PutAsJsonAsync($"/api/v1/compliance/frameworks/{gone.Id}", new SetFrameworkEnabledRequest(false), Ct)).EnsureSuccessStatusCode();
        var again = await Factory.StartAndRunAsync(admin, Posture(ReportFormats.Html, closed));
        Assert.Contains(heading, await admin.GetStringAsync($"/api/v1/reports/runs/{again.Id}/download", Ct));
        Assert.Equal(before.Artifact!.DataSha256, again.Artifact!.DataSha256);
        Assert.Equal(before.Artifact.Sha256, again.Artifact.Sha256);
        // It may still be asked for by name for that period.
        var one = await Factory.StartAndRunAsync(admin, Posture(ReportFormats.Csv, closed, gone.Id));
        Assert.Equal(gone.Assessable, one.RowCount);

        // A period that ends now reads the setting as it is now: the framework is gone from it.
        var open = await Factory.StartAndRunAsync(admin, Posture(ReportFormats.Html, DateTimeOffset.UtcNow.AddHours(1)));
        Assert.DoesNotContain(heading, await admin.GetStringAsync($"/api/v1/reports/runs/{open.Id}/download", Ct));
    }

    [Fact]
    public async Task ThePostureReportIsInTheCatalogueAndNeedsComplianceRead()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var item = (await auditor.GetFromJsonAsync<List<ReportCatalogueItem>>("/api/v1/reports/catalogue", Json, Ct))!
            .Single(t => t.Template == ReportTypes.CompliancePosture);
        Assert.True(item.BuiltIn);
        Assert.Equal(Permissions.ComplianceRead, item.Needs);
        Assert.Equal(["framework"], item.Filters);
    }
}

public sealed class SqliteCompliancePostureReportTests(SqliteConsoleWithoutJobs console) : CompliancePostureReportTests(console), IClassFixture<SqliteConsoleWithoutJobs>;

public sealed class PostgresCompliancePostureReportTests(PostgresConsoleWithoutJobs console) : CompliancePostureReportTests(console), IClassFixture<PostgresConsoleWithoutJobs>;
