using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Faults;

/// <summary>
/// A console under a fault, driven as its clients drive it: a service sends events and verifies keys with its
/// key, an analyst writes notes on an alert in the browser. Every write answered 2xx is remembered, so that once
/// the fault is over the test can show that none of them was lost.
/// </summary>
public sealed class FaultScenario
{
    private readonly List<long> _events = [];
    private readonly List<string> _notes = [];
    private readonly string _marker = $"fault-{Guid.NewGuid():N}"[..24];

    private FaultScenario(ConsoleFactory factory, HttpClient service, BrowserClient analyst, long alertId, string unusedKey)
    {
        Factory = factory;
        Service = service;
        Analyst = analyst;
        AlertId = alertId;
        UnusedKey = unusedKey;
    }

    public ConsoleFactory Factory { get; }

    /// <summary>A service's key client (events:write, keys:verify); it has made requests, so its key is cached.</summary>
    public HttpClient Service { get; }

    /// <summary>A signed-in security analyst.</summary>
    public BrowserClient Analyst { get; }

    public long AlertId { get; }

    /// <summary>A valid key nobody has used yet: no node has it cached.</summary>
    public string UnusedKey { get; }

    public int Acknowledged => _events.Count + _notes.Count;

    /// <summary>Prepares the clients and an alert to write notes on, and checks that writes and readiness are fine.</summary>
    public static async Task<FaultScenario> StartAsync(ConsoleFactory factory)
    {
        var (service, _) = await factory.KeyClientAsync(Permissions.EventsWrite, Permissions.KeysVerify);
        var (_, unused) = await factory.KeyClientAsync(Permissions.KeysVerify);
        var analyst = await factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var ip = NewAddress();
        await service.SendOkAsync([.. Enumerable.Range(0, 10).Select(i => Ev(SecurityEventTypes.LoginFailed, ip, actor: $"guess{i}@example.test", outcome: "failure"))]);
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
        var scenario = new FaultScenario(factory, service, analyst, alert.Id, unused);
        await scenario.AssertWritesSucceedAsync();
        await scenario.AssertReadyAsync(true);
        return scenario;
    }

    /// <summary>One event from the service and one note from the analyst; each is remembered when acknowledged.</summary>
    public async Task<(HttpResponseMessage Event, HttpResponseMessage Note)> WriteAsync()
    {
        var ev = await Service.SendAsync(Ev(SecurityEventTypes.LoginSucceeded, NewAddress(), actor: _marker, outcome: "success"));
        if (ev.StatusCode == HttpStatusCode.OK)
        {
            var ids = (await ev.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!.Ids;
            lock (_events)
            {
                _events.AddRange(ids);
            }
        }
        var text = $"note {Guid.NewGuid():N}";
        var note = await Analyst.PostAsJsonAsync($"/api/v1/alerts/{AlertId}/notes", new AlertNoteRequest(text), Ct);
        if (note.StatusCode == HttpStatusCode.Created)
        {
            lock (_notes)
            {
                _notes.Add(text);
            }
        }
        return (ev, note);
    }

    public async Task AssertWritesSucceedAsync()
    {
        var (ev, note) = await WriteAsync();
        await ev.AssertStatusAsync(HttpStatusCode.OK);
        await note.AssertStatusAsync(HttpStatusCode.Created);
    }

    /// <summary>During the fault: both writes are refused with 503, a Retry-After and problem details; nothing is acknowledged.</summary>
    public async Task AssertWritesRefusedAsync()
    {
        var before = Acknowledged;
        var (ev, note) = await WriteAsync();
        await AssertUnavailableAsync(ev);
        await AssertUnavailableAsync(note);
        Assert.Equal(before, Acknowledged);
    }

    public static async Task AssertUnavailableAsync(HttpResponseMessage response)
    {
        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(response.Headers.RetryAfter?.Delta is { } delta && delta > TimeSpan.Zero,
            $"No Retry-After in seconds on {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}");
    }

    /// <summary>
    /// No fail-open while the database cannot answer: the unused (uncached) key is not let in — neither as a
    /// caller nor when a service verifies it — and an unknown key is refused.
    /// </summary>
    public async Task AssertNoFailOpenAsync()
    {
        using var stranger = Factory.CreateClient();
        stranger.DefaultRequestHeaders.Authorization = Bearer(UnusedKey);
        var me = await stranger.GetAsync("/api/v1/me", Ct);
        await AssertUnavailableAsync(me);
        var verify = await VerifyAsync(UnusedKey);
        Assert.False(verify.Valid);
        Assert.Equal("unavailable", verify.Reason);
        var unknown = await VerifyAsync(KeyFormat.Generate(KeyEnvironments.Production));
        Assert.False(unknown.Valid);
    }

    public async Task<KeyVerifyResult> VerifyAsync(string key)
    {
        var response = await Service.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(key, null, null), Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<KeyVerifyResult>(Ct))!;
    }

    public async Task<(HttpStatusCode Status, string Body)> ReadinessAsync()
    {
        using var probe = Factory.CreateClient();
        var response = await probe.GetAsync("/health/ready", Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    public async Task AssertReadyAsync(bool ready)
    {
        var (status, body) = await ReadinessAsync();
        Assert.True(status == (ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable), $"Readiness {(int)status}: {body}");
    }

    /// <summary>Detection runs again too: a new brute-force pattern raises its alert.</summary>
    public async Task AssertDetectionWorksAsync()
    {
        var ip = NewAddress();
        await Service.SendOkAsync([.. Enumerable.Range(0, 10).Select(i => Ev(SecurityEventTypes.LoginFailed, ip, actor: $"guess{i}@example.test", outcome: "failure"))]);
        await Analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
    }

    /// <summary>Waits (without a restart) until the node is ready and writes are acknowledged again.</summary>
    public async Task WaitUntilRecoveredAsync()
    {
        await Eventually.HoldsAsync("the console to be ready again", async () =>
        {
            var (status, body) = await ReadinessAsync();
            return (status == HttpStatusCode.OK, $"{(int)status} {body}");
        });
        await Eventually.HoldsAsync("the console to acknowledge writes again", async () =>
        {
            var (ev, note) = await WriteAsync();
            return (ev.IsSuccessStatusCode && note.IsSuccessStatusCode, $"event {(int)ev.StatusCode}, note {(int)note.StatusCode}");
        });
        await AssertWritesSucceedAsync();
    }

    /// <summary>Every event and note that was acknowledged, before, during or after the fault, is stored.</summary>
    public async Task AssertNothingAcknowledgedWasLostAsync()
    {
        var stored = new HashSet<long>();
        string? before = null;
        do
        {
            var page = await Analyst.GetFromJsonAsync<EventPage>(
                $"/api/v1/events?actor={_marker}&limit=500{(before is null ? "" : $"&before={before}")}", JsonSerializerOptions.Web, Ct);
            stored.UnionWith(page!.Items.Select(e => e.Id));
            before = page.NextBefore?.ToString();
        }
        while (before is not null);
        var lostEvents = _events.Where(id => !stored.Contains(id)).ToList();
        Assert.True(lostEvents.Count == 0, $"{lostEvents.Count} of {_events.Count} acknowledged events are gone");

        var detail = await Analyst.GetFromJsonAsync<AlertDetail>($"/api/v1/alerts/{AlertId}", JsonSerializerOptions.Web, Ct);
        var notes = detail!.Notes.Select(n => n.Text).ToHashSet();
        var lostNotes = _notes.Where(n => !notes.Contains(n)).ToList();
        Assert.True(lostNotes.Count == 0, $"{lostNotes.Count} of {_notes.Count} acknowledged notes are gone");
    }
}
