using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Server.Tests.Realtime;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// Alerts for a reader without pii:read (an auditor) over the API and the hub (issue 14, ADR 0065): the list, one alert's
/// page, the Dashboard's newest alerts, catch-up, events and the threat views name no person and no address; an analyst
/// (pii:read) reads them in clear. Notes are free text: hidden whole from the auditor.
/// </summary>
public abstract class AlertMaskingTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnAuditorReadsAlertsWithThePersonAndTheAddressMaskedAndAnAnalystReadsThemInClear()
    {
        var person = $"mallory.{Guid.NewGuid():N}@example.test";
        var ip = NewAddress();
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        await using var analystHub = AlertsHubTests.Connect(Factory, analyst.CookieHeader);
        await using var auditorHub = AlertsHubTests.Connect(Factory, auditor.CookieHeader);
        var analystPushes = Collect(analystHub);
        var auditorPushes = Collect(auditorHub);
        await analystHub.StartAsync(Ct);
        await auditorHub.StartAsync(Ct);

        await sender.SendOkAsync([.. Enumerable.Range(0, 12).Select(_ => Ev(SecurityEventTypes.LoginFailed, ip, actor: person, outcome: "failure"))]);
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == person);
        Assert.Contains(person, alert.Title);
        Assert.Contains(ip, alert.Title);
        Assert.Equal(-1, alert.Title.IndexOfAny(['\uE000', '\uE001', '\uE002']));
        var note = await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/notes", new AlertNoteRequest($"Called {person} at {ip}."), Ct);
        await note.AssertStatusAsync(HttpStatusCode.Created);

        var seen = new List<string>();
        foreach (var url in new[]
                 {
                     $"{Alerts}?limit=200", $"{Alerts}/{alert.Id}", $"{Alerts}/summary", $"{Alerts}/changes?since={ChangeCursorOf(alert)}",
                     $"{DetectionTestKit.Events}?limit=500", $"{ApiConventions.Prefix}/threats/top-entities?kind=user", $"{ApiConventions.Prefix}/threats/top-entities?kind=ip",
                     $"{ApiConventions.Prefix}/threats/entity?kind=user&id={Uri.EscapeDataString(person)}",
                 })
        {
            var response = await auditor.GetAsync(url, Ct);
            await response.AssertStatusAsync(HttpStatusCode.OK);
            var text = await response.Content.ReadAsStringAsync(Ct);
            AssertMasked(url, text, person, ip);
            seen.Add(text);
        }
        var detail = JsonSerializer.Deserialize<AlertDetail>(seen[1], JsonSerializerOptions.Web)!;
        Assert.StartsWith("m***@example.test #", detail.Alert.EntityId);
        Assert.Contains("198.", detail.Alert.Title);
        Assert.Contains(".*.*", detail.Alert.Title);
        Assert.Contains(detail.Alert.EntityId, detail.Alert.Title);
        Assert.Equal("(hidden: personal data)", Assert.Single(detail.Notes).Text);
        Assert.NotEmpty(detail.Occurrences);
        Assert.NotEmpty(detail.RecentEvents);
        Assert.All(detail.RecentEvents, e => Assert.Equal(detail.Alert.EntityId, e.Actor));

        // The analyst's detail holds the same things in clear.
        var clear = (await analyst.GetFromJsonAsync<AlertDetail>($"{Alerts}/{alert.Id}", Ct))!;
        Assert.Equal(person, clear.Alert.EntityId);
        Assert.Contains(person, Assert.Single(clear.Notes).Text);
        Assert.All(clear.Occurrences, o => Assert.Contains(person, o.Title));

        // Pushed live: in clear to the analyst, masked to the auditor.
        var pushed = await Eventually.ReadAsync("the alert pushed to the auditor", () => Task.FromResult(auditorPushes.ToArray()),
            pushes => pushes.Any(p => p.Contains($"\"id\":{alert.Id},", StringComparison.Ordinal)), pushes => string.Join("\n", pushes));
        Assert.All(pushed, p => AssertMasked("hub", p, person, ip));
        var analystSaw = await Eventually.ReadAsync("the alert pushed to the analyst", () => Task.FromResult(analystPushes.ToArray()),
            pushes => pushes.Any(p => p.Contains(person, StringComparison.Ordinal)), pushes => string.Join("\n", pushes));
        Assert.NotEmpty(analystSaw);
    }

    [Fact]
    public async Task AnAuditorOpensAMaskedEntitysThreatProfileByItsReferenceWithoutLearningWhoItIs()
    {
        var person = $"mallory.{Guid.NewGuid():N}@example.test";
        var ip = NewAddress();
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        await sender.SendOkAsync([.. Enumerable.Range(0, 12).Select(_ => Ev(SecurityEventTypes.LoginFailed, ip, actor: person, outcome: "failure"))]);
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == person);
        var masked = (await auditor.GetFromJsonAsync<AlertDetail>($"{Alerts}/{alert.Id}", Ct))!.Alert.EntityId;
        Assert.StartsWith("m***@example.test #", masked);

        // The auditor's top entities: the person masked, with a reference that says nothing about them.
        var topUrl = $"{ApiConventions.Prefix}/threats/top-entities?kind=user&limit=100";
        var topText = await (await auditor.GetAsync(topUrl, Ct)).Content.ReadAsStringAsync(Ct);
        AssertMasked(topUrl, topText, person, ip);
        var entity = Assert.Single(JsonSerializer.Deserialize<List<TopEntity>>(topText, JsonSerializerOptions.Web)!, t => t.Id == masked);
        Assert.False(string.IsNullOrEmpty(entity.Ref));

        // Followed back, the reference opens that person's profile: their alert and their events, still masked.
        var profileUrl = $"{ApiConventions.Prefix}/threats/entity?kind=user&ref={Uri.EscapeDataString(entity.Ref!)}&hours=48";
        var response = await auditor.GetAsync(profileUrl, Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var profileText = await response.Content.ReadAsStringAsync(Ct);
        AssertMasked(profileUrl, profileText, person, ip);
        var profile = JsonSerializer.Deserialize<EntityProfile>(profileText, JsonSerializerOptions.Web)!;
        Assert.Equal(masked, profile.Id);
        Assert.Contains(profile.Alerts, a => a.Id == alert.Id);
        Assert.True(profile.RecentActivity.Sum(b => b.Events) >= 12, profileText);

        // Before, the masked id was all the auditor had, and it opened nobody.
        var byMaskedId = (await auditor.GetFromJsonAsync<EntityProfile>(
            $"{ApiConventions.Prefix}/threats/entity?kind=user&id={Uri.EscapeDataString(masked)}&hours=48", Ct))!;
        Assert.DoesNotContain(byMaskedId.Alerts, a => a.Id == alert.Id);

        // Every masked address carries its reference too.
        var ips = (await auditor.GetFromJsonAsync<List<TopEntity>>($"{ApiConventions.Prefix}/threats/top-entities?kind=ip&limit=100", Ct))!;
        Assert.All(ips, t => Assert.False(string.IsNullOrEmpty(t.Ref), $"{t.Id} has no reference"));

        // A reference opens only what it was made for: not another kind, not when altered.
        var otherKind = await auditor.GetAsync($"{ApiConventions.Prefix}/threats/entity?kind=ip&ref={Uri.EscapeDataString(entity.Ref!)}", Ct);
        Assert.Contains("reference", (await otherKind.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("ref")[0]);
        var altered = entity.Ref![..^4] + (entity.Ref![^4] == 'A' ? "BBBB" : "AAAA");
        var alteredResponse = await auditor.GetAsync($"{ApiConventions.Prefix}/threats/entity?kind=user&ref={Uri.EscapeDataString(altered)}", Ct);
        Assert.NotEmpty((await alteredResponse.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("ref"));

        // A reader with pii:read sees the person in clear and needs no reference.
        var clearTop = (await analyst.GetFromJsonAsync<List<TopEntity>>(topUrl, Ct))!;
        Assert.Null(Assert.Single(clearTop, t => t.Id == person).Ref);
    }

    private static void AssertMasked(string where, string text, string person, string ip)
    {
        Assert.False(text.Contains(person, StringComparison.OrdinalIgnoreCase), $"{where} shows the person: {text}");
        Assert.False(text.Contains(ip, StringComparison.Ordinal), $"{where} shows the address: {text}");
        Assert.False(text.Contains("mallory.", StringComparison.Ordinal), $"{where} shows the person's name: {text}");
        Assert.Equal(-1, text.IndexOfAny(['\uE000', '\uE001', '\uE002']));
        Assert.DoesNotContain("\\uE00", text, StringComparison.OrdinalIgnoreCase);
    }

    private static string ChangeCursorOf(AlertView alert) => $"{alert.CreatedAt.AddMinutes(-1).UtcTicks}.0";

    private static ConcurrentQueue<string> Collect(HubConnection hub)
    {
        var pushes = new ConcurrentQueue<string>();
        hub.On<JsonElement>(HubMethods.AlertChanged, alert => pushes.Enqueue(alert.GetRawText()));
        return pushes;
    }
}

public sealed class SqliteAlertMaskingTests(FastSqliteConsole console) : AlertMaskingTests(console), IClassFixture<FastSqliteConsole>;
