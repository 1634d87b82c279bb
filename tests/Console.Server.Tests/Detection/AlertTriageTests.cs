using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Tests.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

public abstract class AlertTriageTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    /// <summary>Ten failed sign-ins from one new address: the brute-force rule's pattern. Returns the address.</summary>
    private async Task<string> BruteForceAsync(HttpClient sender, string? ip = null)
    {
        ip ??= NewAddress();
        await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(i => Ev(SecurityEventTypes.LoginFailed, ip, actor: $"guess{i}-{Guid.NewGuid():N}@example.test", outcome: "failure"))]);
        return ip;
    }

    private async Task<AlertView> BruteForceAlertAsync(HttpClient sender, HttpClient analyst)
    {
        var ip = await BruteForceAsync(sender);
        return await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
    }

    [Fact]
    public async Task TenFailedSignInsFromOneAddressRaiseOneAlertAndLaterHitsAreGroupedIntoIt()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var ip = await BruteForceAsync(sender);
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
        Assert.Equal((EntityKinds.Ip, AlertSeverities.High, AlertStatuses.Open, 1), (alert.EntityKind, alert.Severity, alert.Status, alert.Count));
        Assert.Equal("Brute force", alert.RuleName);
        Assert.Equal($"10 failed sign-ins against different accounts from {ip} in 5 minutes (threshold 10)", alert.Title);
        Assert.StartsWith("Last attempt at ", alert.Summary);
        Assert.Equal(10, alert.Details!.Value.GetProperty("failures").GetInt32());

        await BruteForceAsync(sender, ip);
        var grouped = await analyst.WaitForAlertAsync(a => a.Id == alert.Id && a.Count == 2);
        Assert.True(grouped.Version > alert.Version);
        var forAddress = await analyst.AlertsAsync($"&rule=brute-force&entityKind=ip&entity={ip}");
        Assert.Single(forAddress.Items);

        // Nine more from a third address: below the threshold, nothing.
        var quiet = NewAddress();
        await sender.SendOkAsync([.. Enumerable.Range(0, 9).Select(_ => Ev(SecurityEventTypes.LoginFailed, quiet, outcome: "failure"))]);
        await Factory.QuietAsync();
        Assert.Empty((await analyst.AlertsAsync($"&entity={quiet}")).Items);
    }

    [Fact]
    public async Task TriageIsAuditedAndEveryOtherAnalystSeesItLive()
    {
        var sender = await Factory.SenderAsync();
        var watcher = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var email = $"triager-{Guid.NewGuid():N}@example.test";
        var triager = await Factory.SignedInClientAsync(Roles.SecurityAnalyst, email);
        var triagerId = (await triager.GetFromJsonAsync<SecurityConsole.Shared.Users.CurrentUser>("/api/v1/me", Ct))!.Id;
        await using var hub = AlertsHubTests.Connect(Factory, watcher.CookieHeader);
        var seen = new List<AlertView>();
        hub.On<AlertView>(HubMethods.AlertChanged, a => { lock (seen) { seen.Add(a); } });
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(hub, HubMethods.Welcome);
        await hub.StartAsync(Ct);
        await Eventually.ArrivesAsync("the hub's welcome", welcome);

        var alert = await BruteForceAlertAsync(sender, triager);
        await WaitLiveAsync(seen, a => a.Id == alert.Id && a.Status == AlertStatuses.Open);

        var acked = await OkAsync(triager.PostAsJsonAsync($"{Alerts}/{alert.Id}/acknowledge", new AlertActionRequest("Looking into it"), Ct));
        Assert.Equal((AlertStatuses.Acknowledged, 1), (acked.Status, acked.NoteCount));
        await WaitLiveAsync(seen, a => a.Id == alert.Id && a.Status == AlertStatuses.Acknowledged);

        var assigned = await OkAsync(triager.PostAsJsonAsync($"{Alerts}/{alert.Id}/assign", new AlertAssignRequest(triagerId), Ct));
        Assert.Equal((triagerId, email), (assigned.AssigneeUserId, assigned.AssigneeEmail));
        await WaitLiveAsync(seen, a => a.Id == alert.Id && a.AssigneeUserId == triagerId);

        var note = await triager.PostAsJsonAsync($"{Alerts}/{alert.Id}/notes", new AlertNoteRequest("Address belongs to a VPN exit node."), Ct);
        await note.AssertStatusAsync(HttpStatusCode.Created);
        await WaitLiveAsync(seen, a => a.Id == alert.Id && a.NoteCount == 2);

        var resolved = await OkAsync(triager.PostAsJsonAsync($"{Alerts}/{alert.Id}/resolve", new AlertActionRequest(), Ct));
        Assert.Equal(AlertStatuses.Resolved, resolved.Status);
        Assert.NotNull(resolved.ClosedAt);
        await WaitLiveAsync(seen, a => a.Id == alert.Id && a.Status == AlertStatuses.Resolved);
        var reopened = await OkAsync(triager.PostAsJsonAsync($"{Alerts}/{alert.Id}/reopen", new AlertActionRequest("Came back"), Ct));
        Assert.Equal((AlertStatuses.Open, null), (reopened.Status, reopened.ClosedAt));
        var falsePositive = await OkAsync(triager.PostAsJsonAsync($"{Alerts}/{alert.Id}/false-positive", new AlertActionRequest("Our pen test"), Ct));
        Assert.Equal(AlertStatuses.FalsePositive, falsePositive.Status);
        Assert.True(falsePositive.Version > resolved.Version);

        var detail = await watcher.GetFromJsonAsync<AlertDetail>($"{Alerts}/{alert.Id}", Ct);
        Assert.Equal(["Looking into it", "Address belongs to a VPN exit node.", "Came back", "Our pen test"], detail!.Notes.Select(n => n.Text));
        Assert.All(detail.Notes, n => Assert.Equal(email, n.AuthorEmail));
        Assert.Equal(10, detail.RecentEvents.Count(e => e.SourceIp == alert.EntityId));

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var actions = await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == "alert" && e.TargetId == alert.Id.ToString())
            .OrderBy(e => e.Sequence).Select(e => new { e.Action, e.ActorId }).ToListAsync(Ct);
        Assert.Equal(["alert.raised", "alert.acknowledged", "alert.assigned", "alert.note_added", "alert.resolved", "alert.reopened", "alert.false_positive"],
            actions.Select(a => a.Action));
        Assert.Equal("detection", actions[0].ActorId);
        Assert.All(actions.Skip(1), a => Assert.Equal(triagerId, a.ActorId));
    }

    [Fact]
    public async Task TriageRefusesWhatCannotBeDoneWithAProblemNamingTheField()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var alert = await BruteForceAlertAsync(sender, analyst);

        var noReason = await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/false-positive", new AlertActionRequest(), Ct);
        Assert.NotEmpty((await noReason.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("comment"));
        var developerId = await Factory.CreateUserAsync($"dev-{Guid.NewGuid():N}@example.test", Roles.Developer);
        var wrongAssignee = await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/assign", new AlertAssignRequest(developerId), Ct);
        Assert.NotEmpty((await wrongAssignee.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("assigneeUserId"));
        var emptyNote = await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/notes", new { text = "  " }, Ct);
        Assert.NotEmpty((await emptyNote.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("text"));
        var longComment = await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/acknowledge", new AlertActionRequest(new string('x', 2001)), Ct);
        Assert.NotEmpty((await longComment.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("comment"));

        await (await analyst.PostAsync($"{Alerts}/{alert.Id}/resolve", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await (await analyst.PostAsync($"{Alerts}/{alert.Id}/resolve", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await analyst.PostAsync($"{Alerts}/{alert.Id}/acknowledge", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.PostAsync($"{Alerts}/987654321/acknowledge", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"{Alerts}/987654321", Ct)).StatusCode);

        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        await (await auditor.GetAsync($"{Alerts}/{alert.Id}", Ct)).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync($"{Alerts}/{alert.Id}/reopen", null, Ct)).StatusCode);
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync(Alerts, Ct)).StatusCode);

        var assignees = await analyst.GetFromJsonAsync<List<AlertAssignee>>($"{Alerts}/assignees", Ct);
        Assert.DoesNotContain(assignees!, a => a.UserId == developerId);
        Assert.NotEmpty(assignees!);
    }

    [Fact]
    public async Task AlertsFilterBySeverityStatusRuleAndEntityAndPageByKeyset()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var first = await BruteForceAlertAsync(sender, analyst);
        var second = await BruteForceAlertAsync(sender, analyst);
        var third = await BruteForceAlertAsync(sender, analyst);
        await (await analyst.PostAsync($"{Alerts}/{second.Id}/acknowledge", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);

        var acknowledged = await analyst.AlertsAsync("&status=acknowledged&severity=high,critical&rule=brute-force");
        Assert.Contains(acknowledged.Items, a => a.Id == second.Id);
        Assert.DoesNotContain(acknowledged.Items, a => a.Id == first.Id || a.Id == third.Id);
        Assert.Empty((await analyst.AlertsAsync($"&entity={first.EntityId}&severity=low")).Items);

        var page1 = await analyst.GetFromJsonAsync<AlertPage>($"{Alerts}?rule=brute-force&limit=2&from={Uri.EscapeDataString(first.LastSeenAt.AddSeconds(-1).ToString("O"))}", Ct);
        Assert.Equal(2, page1!.Items.Count);
        Assert.True(page1.Items[0].Id > page1.Items[1].Id);
        var page2 = await analyst.GetFromJsonAsync<AlertPage>($"{Alerts}?rule=brute-force&limit=2&before={page1.NextBefore}", Ct);
        Assert.All(page2!.Items, a => Assert.True(a.Id < page1.Items[1].Id));
        Assert.Contains(first.Id, page1.Items.Concat(page2.Items).Select(a => a.Id));

        var bad = await (await analyst.GetAsync($"{Alerts}?severity=urgent&status=closed&limit=1000&before=x&entityKind=planet", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "severity", "status", "limit", "before", "entityKind" })
        {
            Assert.NotEmpty(bad.FieldErrors(field));
        }
    }

    [Fact]
    public async Task ABrowserThatReconnectsCatchesUpOnTheChangesItMissed()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var alert = await BruteForceAlertAsync(sender, analyst);
        // What the browser had when it lost the connection.
        var cursor = (await analyst.AlertsAsync()).ChangesCursor;

        await (await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/acknowledge", new AlertActionRequest(), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var other = await BruteForceAlertAsync(sender, analyst);

        var caughtUp = new Dictionary<long, AlertView>();
        var since = cursor;
        for (var round = 0; round < 10; round++)
        {
            var changes = await analyst.GetFromJsonAsync<AlertChanges>($"{Alerts}/changes?since={Uri.EscapeDataString(since)}&limit=2", Ct);
            foreach (var a in changes!.Items)
            {
                caughtUp[a.Id] = caughtUp.TryGetValue(a.Id, out var had) && had.Version > a.Version ? had : a;
            }
            since = changes.Cursor;
            if (!changes.HasMore)
            {
                break;
            }
        }
        Assert.Equal(AlertStatuses.Acknowledged, caughtUp[alert.Id].Status);
        Assert.Equal(AlertStatuses.Open, caughtUp[other.Id].Status);

        var start = await analyst.GetFromJsonAsync<AlertChanges>($"{Alerts}/changes", Ct);
        Assert.Empty(start!.Items);
        var bad = await (await analyst.GetAsync($"{Alerts}/changes?since=yesterday", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.FieldErrors("since"));
    }

    [Fact]
    public async Task TheDashboardSummaryCountsOpenAlertsBySeverityAndRecentEvents()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var alert = await BruteForceAlertAsync(sender, analyst);
        var summary = await analyst.GetFromJsonAsync<DetectionSummary>($"{Alerts}/summary", Ct);
        Assert.Equal(AlertSeverities.All, summary!.OpenBySeverity.Select(s => s.Severity));
        Assert.True(summary.OpenBySeverity.Single(s => s.Severity == AlertSeverities.High).Count >= 1);
        Assert.Equal(summary.OpenBySeverity.Sum(s => s.Count), summary.OpenTotal);
        Assert.True(summary.EventsLastMinute >= 10);
        Assert.Equal(60, summary.EventsPerMinute.Count);
        Assert.True(summary.EventsPerMinute.Sum(m => m.Count) >= 10);
        Assert.Contains(summary.Newest, a => a.Id == alert.Id);
    }

    private static async Task<AlertView> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AlertView>(Ct))!;
    }

    private static Task WaitLiveAsync(List<AlertView> seen, Func<AlertView, bool> match) =>
        Eventually.HoldsAsync("the change to reach the other analyst's browser", () =>
        {
            lock (seen)
            {
                return (seen.Any(match), string.Join("; ", seen.Select(a => $"{a.Id} {a.Status}")));
            }
        });
}

public sealed class SqliteAlertTriageTests(SqliteConsole console) : AlertTriageTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresAlertTriageTests(PostgresConsole console) : AlertTriageTests(console), IClassFixture<PostgresConsole>;
