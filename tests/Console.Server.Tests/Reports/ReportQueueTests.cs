using System.Net;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// Runs on the real job server: the 'reports' queue runs no more at once than Reports:Concurrency, and a run stuck
/// past Reports:RunTimeout ends as failed, saying so. Everything waits on the runs' states, never on a clock.
/// </summary>
/// <remarks>
/// One console for the class (<see cref="ReportQueueConsole"/>): each test's runs belong to an auditor of its own and
/// each test waits until all of them have ended, so the queue is empty again when the next test starts.
/// </remarks>
public sealed class ReportQueueTests(ReportQueueConsole console) : IClassFixture<ReportQueueConsole>
{
    // A render that would go on for minutes; it writes as it goes, so the run's time limit stops it at once.
    private const string Endless = "<h1>{{ report.title }}</h1><p>{{ audit.entry_count }}</p>{% for i in (1..100000) %}{% for j in (1..100000) %}{{ j }} {% endfor %}{% endfor %}";

    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AStuckRunEndsAsFailedSayingItPassedTheTimeLimit()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var id = await auditor.StartAsync(new { template = (await PublishEndlessAsync(auditor)).ToString() });

        var run = await Eventually.ReadAsync("the stuck run to end",
            () => auditor.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{id}", Json, Ct),
            r => r is not null && ReportRunStatuses.IsFinished(r.Status), r => $"{r?.Status} {r?.Stage}");

        Assert.Equal(ReportRunStatuses.Failed, run!.Status);
        Assert.Contains("the time limit", run.FailureReason);
        Assert.Null(run.Artifact);
    }

    [Fact]
    public async Task TheReportsQueueRunsNoMoreAtOnceThanItsConcurrencyAndQueuesTheRest()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var template = (await PublishEndlessAsync(auditor)).ToString();
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await auditor.StartAsync(new { template }));
        }

        var mostRunning = 0;
        var sawOneWaiting = false;
        await Eventually.HoldsAsync("all three runs to end", async () =>
        {
            var page = (await auditor.GetFromJsonAsync<ReportRunPage>("/api/v1/reports/runs", Json, Ct))!;
            var mine = page.Items.Where(r => ids.Contains(r.Id)).ToList();
            var running = mine.Count(r => r.Status == ReportRunStatuses.Running);
            mostRunning = Math.Max(mostRunning, running);
            sawOneWaiting |= running == 1 && mine.Any(r => r.Status == ReportRunStatuses.Queued);
            return (mine.All(r => ReportRunStatuses.IsFinished(r.Status)), string.Join(", ", mine.Select(r => r.Status)));
        }, TimeSpan.FromMinutes(5));

        Assert.Equal(1, mostRunning);
        Assert.True(sawOneWaiting, "Never saw a run waiting while another ran.");
    }

    private static async Task<Guid> PublishEndlessAsync(HttpClient client)
    {
        var created = await client.PostAsJsonAsync("/api/v1/reports/templates", new CreateTemplateRequest("Endless", ReportTypes.AuditExtract, Endless, null), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<TemplateView>(Json, Ct))!.Id;
        (await client.PostAsJsonAsync($"/api/v1/reports/templates/{id}/publish", new PublishTemplateRequest(1, "test"), Ct)).EnsureSuccessStatusCode();
        return id;
    }
}

/// <summary>A shared console on the real job server whose reports queue runs one at a time and stops a run after 2 s.</summary>
public sealed class ReportQueueConsole() : ConfiguredConsole(null)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Reports:Concurrency"] = "1",
        ["Reports:RunTimeout"] = "00:00:02",
        ["Reports:TemplateTimeout"] = "00:30:00",
        ["Reports:TemplateMaxSteps"] = "100000000",
        ["Reports:TemplateMaxOutputChars"] = "500000000",
    };
}
