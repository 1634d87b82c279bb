using System.Net;
using System.Text.Json;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

public abstract class EventIngestionTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AMalformedBatchGetsAnErrorPerBadEventAndTheValidEventsAreStored()
    {
        var sender = await Factory.SenderAsync();
        var actor = $"batch-{Guid.NewGuid():N}@example.test";
        var batch = $$"""
            [
              { "type": "auth.login_failed", "actor": "{{actor}}", "sourceIp": "192.0.2.10", "outcome": "failure", "attributes": { "app": "crm" } },
              { "type": 5, "actor": "{{actor}}" },
              { "type": "auth.login_failed", "actor": "{{actor}}", "time": "yesterday" },
              { "type": "auth.login_succeeded", "actor": "{{actor}}", "sourceIp": "::ffff:192.0.2.11", "time": "{{DateTimeOffset.UtcNow.AddMinutes(-3):O}}" },
              { "type": "auth.login_failed", "actor": "{{actor}}", "sourceIp": "999.1.1.1" },
              { "type": "auth.login_failed", "actor": "{{actor}}", "sourceIP": "192.0.2.12" },
              "not an event",
              { "type": "Auth Login", "actor": "{{actor}}", "outcome": "meh", "keyPrefix": "sc_live_{{new string('A', 49)}}" }
            ]
            """;
        var response = await sender.SendRawAsync(batch);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;

        Assert.Equal(2, result.Accepted);
        Assert.Equal(6, result.Rejected);
        Assert.Equal(2, result.Ids.Count);
        Assert.Equal([1, 2, 4, 5, 6, 7], result.Errors.Select(e => e.Index));
        var byIndex = result.Errors.ToDictionary(e => e.Index, e => e.Errors);
        Assert.Contains("events[1].type", byIndex[1].Keys);
        Assert.Contains("events[2].time", byIndex[2].Keys);
        Assert.Contains("events[4].sourceIp", byIndex[4].Keys);
        Assert.Contains("events[5].sourceIP", byIndex[5].Keys);
        Assert.Contains("events[6]", byIndex[6].Keys);
        Assert.Equal(["events[7].keyPrefix", "events[7].outcome", "events[7].type"], byIndex[7].Keys.Order());
        Assert.Contains("never the whole key", byIndex[7]["events[7].keyPrefix"][0]);

        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var stored = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(actor)}", Ct);
        Assert.Equal(result.Ids.Order().Reverse(), stored!.Items.Select(e => e.Id));
        var failed = stored.Items.Single(e => e.Type == "auth.login_failed");
        Assert.Equal(("192.0.2.10", EventOutcomes.Failure, "tests"), (failed.SourceIp, failed.Outcome, failed.Source));
        Assert.Equal("crm", failed.Attributes!.Value.GetProperty("app").GetString());
        var byPrefix = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(actor)}&type=auth.*", Ct);
        Assert.Equal(2, byPrefix!.Items.Count);
        Assert.Single((await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(actor)}&type=auth.login_failed", Ct))!.Items);
        var succeeded = stored.Items.Single(e => e.Type == "auth.login_succeeded");
        Assert.Equal(("192.0.2.11", EventOutcomes.Unknown), (succeeded.SourceIp, succeeded.Outcome));
        Assert.True(succeeded.Time < succeeded.ReceivedAt.AddMinutes(-2));
    }

    [Fact]
    public async Task AServiceCannotSpeakAsTheConsoleNorReportFactsAboutItsKeys()
    {
        var sender = await Factory.SenderAsync();
        var actor = $"spoof-{Guid.NewGuid():N}@example.test";
        var response = await sender.SendRawAsync($$"""
            [
              { "type": "auth.lockout", "actor": "{{actor}}", "source": "Console" },
              { "type": "key.leak_reported", "actor": "{{actor}}", "keyPrefix": "sc_live_AbCd" },
              { "type": "key.revoked", "actor": "{{actor}}", "keyPrefix": "sc_live_AbCd" },
              { "type": "auth.lockout", "actor": "{{actor}}" }
            ]
            """);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;

        Assert.Equal([0, 1, 2], result.Errors.Select(e => e.Index));
        Assert.Contains("events[0].source", result.Errors[0].Errors.Keys);
        Assert.Contains("/api/v1/keys/leaked", result.Errors[1].Errors["events[1].type"][0]);
        Assert.Contains("events[2].type", result.Errors[2].Errors.Keys);
        // A service's own lock-outs are its business: that one is stored, under the sender's service.
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var stored = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(actor)}", Ct);
        Assert.Equal("tests", Assert.Single(stored!.Items).Source);
    }

    [Fact]
    public async Task ABatchWithNoValidEventIsAValidationProblemNamingEachField()
    {
        var sender = await Factory.SenderAsync();
        var problem = await (await sender.SendRawAsync("""[{ "type": "" }, { "type": "x.y", "time": "2026-01-01T00:00:00" }]"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("events[0].type"));
        Assert.Contains("offset", problem.FieldErrors("events[1].time")[0]);
    }

    [Theory]
    [InlineData("""{ "nope": [] }""")]
    [InlineData("""[]""")]
    [InlineData("""{ "events": [] }""")]
    [InlineData("""42""")]
    public async Task SomethingThatIsNotABatchIsAValidationProblemOnEvents(string body)
    {
        var sender = await Factory.SenderAsync();
        var problem = await (await sender.SendRawAsync(body)).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("events"));
    }

    [Fact]
    public async Task TooManyEventsBrokenJsonAndTheWrongMediaTypeAreProblemsNotServerErrors()
    {
        var sender = await Factory.SenderAsync();
        var tooMany = JsonSerializer.Serialize(Enumerable.Range(0, SecurityEventLimits.MaxBatch + 1).Select(_ => new { type = "a.b" }));
        Assert.NotEmpty((await (await sender.SendRawAsync(tooMany)).AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("events"));
        await (await sender.SendRawAsync("""[{ "type": "a.b" """)).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await sender.SendRawAsync("type=a.b", "text/plain")).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task TheObjectFormWithAnEventsArrayIsAcceptedToo()
    {
        var sender = await Factory.SenderAsync();
        var response = await sender.SendRawAsync("""{ "events": [ { "type": "deploy.finished", "source": "ci" } ] }""");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!.Accepted);
    }

    [Fact]
    public async Task OnlyAKeyWithEventsWriteMaySendEventsAndOnlyAlertReadersMayReadThem()
    {
        var body = new[] { Ev("a.b") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Factory.CreateClient().SendAsync(body)).StatusCode);
        var verifier = (await Factory.KeyClientAsync(Permissions.KeysVerify)).Client;
        Assert.Equal(HttpStatusCode.Forbidden, (await verifier.SendAsync(body)).StatusCode);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendAsync(body)).StatusCode);

        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync(DetectionTestKit.Events, Ct)).StatusCode);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        await (await auditor.GetAsync(DetectionTestKit.Events, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var bad = await auditor.GetAsync($"{DetectionTestKit.Events}?limit=0&outcome=sometimes&from=later", Ct);
        var problem = await bad.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("limit"));
        Assert.NotEmpty(problem.FieldErrors("outcome"));
        Assert.NotEmpty(problem.FieldErrors("from"));
    }

    [Fact]
    public async Task ConcurrentBatchesAreAllStoredWithDistinctIds()
    {
        var sender = await Factory.SenderAsync();
        var source = $"load-{Guid.NewGuid():N}"[..20];
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(b =>
            sender.SendOkAsync([.. Enumerable.Range(0, 50).Select(i => Ev("load.test", source: source, actor: $"u{b}-{i}"))])));
        var ids = results.SelectMany(r => r.Ids).ToList();
        Assert.Equal(1000, ids.Count);
        Assert.Equal(1000, ids.Distinct().Count());
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var stored = new List<long>();
        string? before = null;
        do
        {
            var page = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?source={source}&limit=500{(before is null ? "" : $"&before={before}")}", Ct);
            stored.AddRange(page!.Items.Select(e => e.Id));
            before = page.NextBefore?.ToString();
        }
        while (before is not null);
        Assert.Equal(ids.Order(), stored.Order());
    }
}

public sealed class SqliteEventIngestionTests(SqliteConsole console) : EventIngestionTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresEventIngestionTests(PostgresConsole console) : EventIngestionTests(console), IClassFixture<PostgresConsole>;
