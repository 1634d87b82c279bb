using System.Net;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Server.Tests.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>The Threats views' numbers, grouped in the database (provider-specific SQL: both providers).</summary>
public abstract class ThreatAnalyticsTests(SharedConsole console)
{
    private const string Threats = "/api/v1/threats";
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task TheTimelineAndHeatmapCountEventsAndAlertsPerBucket()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        // Three days ago, away from every other test's events, which happen now.
        var now = DateTimeOffset.UtcNow;
        var hour = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero).AddDays(-3).AddMinutes(-7 * 60);
        var ip = NewAddress();
        await sender.SendOkAsync([
            .. Enumerable.Range(0, 10).Select(i => Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure", time: hour.AddMinutes(10).AddSeconds(i))),
            .. Enumerable.Range(0, 2).Select(i => Ev("deploy.finished", time: hour.AddHours(1).AddMinutes(5 + i))),
        ]);
        await analyst.WaitForAlertAsync(a => a.EntityId == ip);

        var range = $"from={Uri.EscapeDataString(hour.ToString("O"))}&to={Uri.EscapeDataString(hour.AddHours(3).ToString("O"))}";
        var timeline = await analyst.GetFromJsonAsync<Timeline>($"{Threats}/timeline?{range}&bucketMinutes=60", Ct);
        Assert.Equal([10, 2, 0], timeline!.Buckets.Select(b => b.Events));
        Assert.Equal([hour, hour.AddHours(1), hour.AddHours(2)], timeline.Buckets.Select(b => b.Start));
        Assert.Equal(1, timeline.Buckets[0].Alerts);
        var fine = await analyst.GetFromJsonAsync<Timeline>($"{Threats}/timeline?{range}&bucketMinutes=15", Ct);
        Assert.Equal(12, fine!.Buckets.Count);
        Assert.Equal(10, fine.Buckets[0].Events);
        Assert.Equal(2, fine.Buckets[4].Events);

        var heatmap = await analyst.GetFromJsonAsync<Heatmap>($"{Threats}/heatmap?{range}&offsetMinutes=-60", Ct);
        Assert.Equal(7 * 24, heatmap!.Cells.Count);
        var local = hour.AddMinutes(-60);
        var weekday = ((int)local.DayOfWeek + 6) % 7;
        Assert.Equal(10, heatmap.Cells.Single(c => c.Weekday == weekday && c.Hour == local.Hour).Events);
        Assert.Equal(12, heatmap.Cells.Sum(c => c.Events));

        var bad = await (await analyst.GetAsync($"{Threats}/timeline?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucketMinutes=0", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.FieldErrors("to"));
        Assert.NotEmpty(bad.FieldErrors("bucketMinutes"));
        var tooFine = await (await analyst.GetAsync($"{Threats}/timeline?bucketMinutes=1&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(tooFine.FieldErrors("bucketMinutes"));
    }

    [Fact]
    public async Task TopEntitiesRankByAlertsAndAnEntityShowsItsBaselineAgainstItsActivity()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var ip = NewAddress();
        // Ten different keys from one address: the address is the incident (one key tried ten times would be the key's).
        await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.KeyVerifyFailed, ip, key: $"sc_live_{Guid.NewGuid():N}"[..12], outcome: "failure"))]);
        await analyst.WaitForAlertAsync(a => a.EntityId == ip);
        await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.KeyVerifyFailed, ip, outcome: "failure"))]);
        await analyst.WaitForAlertAsync(a => a.EntityId == ip && a.Count == 2);

        var top = await analyst.GetFromJsonAsync<List<TopEntity>>($"{Threats}/top-entities?kind=ip&limit=100", Ct);
        var mine = Assert.Single(top!, t => t.Id == ip);
        Assert.Equal((EntityKinds.Ip, 1, 2, AlertSeverities.High), (mine.Kind, mine.Alerts, mine.Detections, mine.HighestSeverity));
        Assert.All(top!, t => Assert.Equal(EntityKinds.Ip, t.Kind));

        // A service's learned rate: its events arrive, the rate rule learns, the baseline is saved within a second.
        var service = $"svc-{Guid.NewGuid():N}"[..16];
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        await sender.SendOkAsync([.. Enumerable.Range(0, 24).SelectMany(b => Enumerable.Range(0, 3).Select(i => Ev("svc.tick", source: service, time: start.AddMinutes(b * 5).AddSeconds(i))))]);
        var profile = (await Eventually.ReadAsync($"a learned baseline of {service}",
            () => analyst.GetFromJsonAsync<EntityProfile>($"{Threats}/entity?kind=service&id={service}&hours=6", Ct),
            p => p!.Baselines.Count > 0,
            p => $"{p!.RecentActivity.Sum(b => b.Events)} events, no baseline"))!;
        var rate = Assert.Single(profile.Baselines, b => b.RuleType == RuleTypes.RateAnomaly);
        Assert.Equal(5, rate.BucketMinutes);
        Assert.True(rate.Observations >= 20, $"{rate.Observations} buckets learned");
        Assert.InRange(rate.Mean!.Value, 2, 3.01);
        Assert.Equal(6, profile.RecentActivity.Count);
        Assert.Equal(72, profile.RecentActivity.Sum(b => b.Events));
        Assert.Equal(72, profile.RecentHoursOfDay.Sum());

        var ipProfile = await analyst.GetFromJsonAsync<EntityProfile>($"{Threats}/entity?kind=ip&id={ip}", Ct);
        Assert.Single(ipProfile!.Alerts);
        Assert.Equal(20, ipProfile.RecentActivity.Sum(b => b.Events));
        var bad = await (await analyst.GetAsync($"{Threats}/entity?kind=planet", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(bad.FieldErrors("kind"));
        Assert.NotEmpty(bad.FieldErrors("id"));
    }

    [Fact]
    public async Task AnalystsHearTheDashboardCountersChangeLive()
    {
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        await using var hub = AlertsHubTests.Connect(Factory, analyst.CookieHeader);
        var stats = new List<DetectionStats>();
        hub.On<DetectionStats>(HubMethods.StatsChanged, s => { lock (stats) { stats.Add(s); } });
        await hub.StartAsync(Ct);
        var sender = await Factory.SenderAsync();
        await sender.SendOkAsync([.. Enumerable.Range(0, 5).Select(_ => Ev("stats.ping"))]);
        await Eventually.HoldsAsync("a statsChanged with the new events", () =>
        {
            lock (stats)
            {
                return (stats.Any(s => s.EventsLastMinute >= 5), $"events in the last minute: {string.Join(", ", stats.Select(s => s.EventsLastMinute))}");
            }
        });
        lock (stats)
        {
            Assert.Equal(AlertSeverities.All, stats[^1].OpenBySeverity.Select(s => s.Severity));
        }
    }
}

public sealed class SqliteThreatAnalyticsTests(FastSqliteConsole console) : ThreatAnalyticsTests(console), IClassFixture<FastSqliteConsole>;

public sealed class PostgresThreatAnalyticsTests(FastPostgresConsole console) : ThreatAnalyticsTests(console), IClassFixture<FastPostgresConsole>;
