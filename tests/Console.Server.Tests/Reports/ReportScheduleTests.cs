using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Reports.Delivery;
using SecurityConsole.Server.Reports.Schedules;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// One console per class: each test's schedules belong to people of its own. The schedules' ticker fires every due
/// schedule of the console, so a test leaves none due behind it (the hourly one is deleted at its test's end; the others
/// are weekly, or fire once a test has moved their next run).
/// </summary>
public abstract class ReportScheduleTests(SharedConsole console)
{
    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AScheduleShowsItsNextRunsInItsTimeZoneAndEveryChangeIsAudited()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var created = await auditor.CreateScheduleAsync(Schedule("0 6 * * 1", "Europe/Paris"));
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        Assert.Equal(ScheduleStore.NextRunsShown, created.NextRuns.Count);
        Assert.All(created.NextRuns, next =>
        {
            var local = TimeZoneInfo.ConvertTime(next, paris);
            Assert.Equal((DayOfWeek.Monday, 6, 0), (local.DayOfWeek, local.Hour, local.Minute));
            Assert.True(next > DateTimeOffset.UtcNow);
        });
        Assert.Contains(await auditor.GetFromJsonAsync<List<ScheduleView>>("/api/v1/reports/schedules", Json, Ct) ?? [], s => s.Id == created.Id);

        var changed = await auditor.PutAsJsonAsync($"/api/v1/reports/schedules/{created.Id}", Schedule("30 7 1 * *", "America/New_York"), Ct);
        await changed.AssertStatusAsync(HttpStatusCode.OK);
        var monthly = (await changed.Content.ReadFromJsonAsync<ScheduleView>(Json, Ct))!;
        Assert.All(monthly.NextRuns, next => Assert.Equal((1, 7, 30), (TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById("America/New_York")) is var l ? (l.Day, l.Hour, l.Minute) : default)));

        // Another person's schedule is not there for this caller.
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/reports/schedules/{created.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/reports/schedules/{created.Id}", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await auditor.DeleteAsync($"/api/v1/reports/schedules/{created.Id}", Ct)).StatusCode);
        foreach (var action in new[] { "report_schedule.created", "report_schedule.updated", "report_schedule.deleted" })
        {
            var entries = (await admin.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action={action}", Json, Ct))!.Items;
            Assert.Contains(entries, e => e.TargetId == created.Id.ToString());
        }
    }

    [Theory]
    [InlineData("61 * * * *", "UTC", "cron", "Not a valid cron expression")]
    [InlineData("* * *", "UTC", "cron", "five fields")]
    [InlineData("0 6 * * *", "Mars/Olympus_Mons", "timeZone", "Unknown time zone")]
    [InlineData("0 6 30 2 *", "UTC", "cron", "never fires")]
    public async Task AnInvalidCronOrTimeZoneIsRefusedNamingTheFieldWithTheReason(string cron, string zone, string field, string reason)
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var response = await auditor.PostAsJsonAsync("/api/v1/reports/schedules", Schedule(cron, zone), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(problem.FieldErrors(field), m => m.Contains(reason, StringComparison.Ordinal));
        Assert.Empty(await auditor.GetFromJsonAsync<List<ScheduleView>>("/api/v1/reports/schedules", Json, Ct) ?? []);
    }

    [Fact]
    public async Task AWebhookWithoutASecretAndAScheduleOnDataTheCallerCannotReadAreRefused()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var noSecret = Schedule("0 6 * * *", "UTC") with { Delivery = new ScheduleDeliveryRequest(null, "https://hooks.example.test/r", null) };
        (await (await auditor.PostAsJsonAsync("/api/v1/reports/schedules", noSecret, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("delivery.webhookSecret");
        var summary = Schedule("0 6 * * *", "UTC") with { Template = ReportTypes.AccessReview, Parameters = null };
        Assert.Contains("users:manage", (await (await auditor.PostAsJsonAsync("/api/v1/reports/schedules", summary, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("template")[0]);
    }

    [Fact]
    public async Task MissedRunsAfterDowntimeAreCoalescedIntoOneRunAndTwoTickersFireItOnce()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var hourly = await auditor.CreateScheduleAsync(Schedule("0 * * * *", "UTC"));
        // Three days down: 72 occurrences missed.
        await Factory.SetNextRunAsync(hourly.Id, DateTimeOffset.UtcNow.AddDays(-3));

        var fired = await Task.WhenAll(Factory.TickAsync(), Factory.TickAsync());
        Assert.Equal(1, fired.Sum());
        var runs = (await auditor.GetFromJsonAsync<ReportRunPage>("/api/v1/reports/runs", Json, Ct))!.Items.Where(r => r.ScheduleId == hourly.Id).ToList();
        var run = Assert.Single(runs);
        Assert.Equal(ReportRunStatuses.Queued, run.Status);
        var after = (await auditor.GetFromJsonAsync<ScheduleView>($"/api/v1/reports/schedules/{hourly.Id}", Json, Ct))!;
        Assert.NotNull(after.LastFiredAt);
        Assert.True(after.NextRuns[0] > DateTimeOffset.UtcNow);
        Assert.Equal(0, await Factory.TickAsync());
        Assert.Equal(ReportRunStatuses.Succeeded, (await Factory.RunNowAsync(auditor, run.Id)).Status);
        // The console is shared by the class: at the next full hour this schedule would be due in another test's tick.
        Assert.Equal(HttpStatusCode.NoContent, (await auditor.DeleteAsync($"/api/v1/reports/schedules/{hourly.Id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task AnEmptyReportIsNotDeliveredWhenItsScheduleSaysSoAndThatIsRecordedWhileTheDefaultStillSendsIt()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        // An audit extract filtered on an action nobody performs: a report with no rows.
        var empty = Schedule("0 6 * * 1", "UTC") with
        {
            Parameters = new Dictionary<string, string> { ["period"] = ReportPeriods.Last7Days, ["action"] = "nothing.happened" },
            Delivery = new ScheduleDeliveryRequest(null, null, null, InApp: true),
        };
        var quiet = await auditor.CreateScheduleAsync(empty with { Name = "Only when there is news", SendIfEmpty = false });
        var always = await auditor.CreateScheduleAsync(empty with { Name = "Even when empty" });
        Assert.False(quiet.SendIfEmpty);
        Assert.True(always.SendIfEmpty);

        var quietRun = await Factory.FireRunAndDeliverAsync(auditor, quiet.Id);
        Assert.Equal(0, quietRun.RowCount);
        var skipped = Assert.Single(quietRun.Deliveries);
        Assert.True(skipped.Skipped);
        Assert.False(skipped.Succeeded);
        Assert.Contains("empty", skipped.Error);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.Contains((await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.delivery_skipped", Json, Ct))!.Items,
            e => e.TargetId == quietRun.Id.ToString());

        var alwaysRun = await Factory.FireRunAndDeliverAsync(auditor, always.Id);
        Assert.Equal(0, alwaysRun.RowCount);
        var sent = Assert.Single(alwaysRun.Deliveries);
        Assert.Equal((ReportDeliveryJob.InApp, true, false), (sent.Channel, sent.Succeeded, sent.Skipped));
    }

    internal static ScheduleRequest Schedule(string cron, string zone, string format = ReportFormats.Html, ScheduleDeliveryRequest? delivery = null) =>
        new("Weekly audit extract", ReportTypes.AuditExtract, null, format, new Dictionary<string, string> { ["period"] = ReportPeriods.Last7Days },
            cron, zone, delivery ?? new ScheduleDeliveryRequest(null, null, null));
}

internal static class ScheduleKit
{
    public static async Task<ScheduleView> CreateScheduleAsync(this HttpClient client, ScheduleRequest request)
    {
        var response = await client.PostAsJsonAsync("/api/v1/reports/schedules", request, Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ScheduleView>(Json, Ct))!;
    }

    /// <summary>Moves a schedule's next run into the past, as if the console had been down since then.</summary>
    public static async Task SetNextRunAsync(this ConsoleFactory factory, Guid id, DateTimeOffset at)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var row = await db.Set<ReportSchedule>().FirstAsync(s => s.Id == id, Ct);
        row.NextRunAt = at;
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Fires one schedule now, runs its report and delivers it, as the jobs would; the run's page afterwards.</summary>
    public static async Task<ReportRunView> FireRunAndDeliverAsync(this ConsoleFactory factory, HttpClient owner, Guid scheduleId)
    {
        await factory.SetNextRunAsync(scheduleId, DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(1, await factory.TickAsync());
        var runId = (await owner.GetFromJsonAsync<ReportRunPage>("/api/v1/reports/runs", Json, Ct))!.Items.Single(r => r.ScheduleId == scheduleId).Id;
        Assert.Equal(ReportRunStatuses.Succeeded, (await factory.RunNowAsync(owner, runId)).Status);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ReportDeliveryJob>().DeliverAllAsync(runId, Ct);
        }
        return (await owner.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{runId}", Json, Ct))!;
    }

    /// <summary>One tick of the schedules' recurring job, as Hangfire would run it.</summary>
    public static async Task<int> TickAsync(this ConsoleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ScheduleTicker>().FireDueAsync(Ct);
    }
}

public sealed class SqliteReportScheduleTests(SqliteConsoleWithoutJobs console) : ReportScheduleTests(console), IClassFixture<SqliteConsoleWithoutJobs>;

public sealed class PostgresReportScheduleTests(PostgresConsoleWithoutJobs console) : ReportScheduleTests(console), IClassFixture<PostgresConsoleWithoutJobs>;
