using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// Text a database cannot store or the rules cannot read, found by fuzzing the event parser (fuzz/corpus/events/crash-*):
/// invalid UTF-8, lone surrogate escapes and NUL are that event's named error, never a 500 nor a stored poison event.
/// </summary>
public abstract class EventEncodingTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task InvalidUtf8LoneSurrogatesAndNulAreTheEventsNamedErrorsAndTheGoodEventIsStored()
    {
        var sender = await Factory.SenderAsync();
        var actor = $"encoding-{Guid.NewGuid():N}@example.test";
        var body = Concat(
            $$"""[{ "type": "auth.login_failed", "actor": "{{actor}}", "attributes": { "reason": "line one\nline two" } },""",
            """{ "type": "auth.login_failed", "actor": "bad-""", new byte[] { 0xFF, 0xFE }, "\" },",
            """{ "type": "auth.login_failed", "actor": "\ud800" },""",
            """{ "type": "auth.login_failed", "attributes": { "reason": "x\udc00" } },""",
            """{ "type": "auth.login_failed", "attributes": { "reason": "\u0000" } },""",
            """{ "type": "auth.login_failed", "attributes": { "\ud83d": 1 } },""",
            "{ \"type\": \"auth.login_failed\", \"", new byte[] { 0xC3 }, "\": 1 }]");

        var response = await sender.PostAsync(DetectionTestKit.Events, Json(body), Ct);

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;
        Assert.Equal(1, result.Accepted);
        var errors = result.Errors.ToDictionary(e => e.Index, e => e.Errors.Keys.Single());
        Assert.Equal(new Dictionary<int, string>
        {
            [1] = "events[1].actor", [2] = "events[2].actor", [3] = "events[3].attributes", [4] = "events[4].attributes",
            [5] = "events[5].attributes", [6] = "events[6]",
        }, errors);
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var stored = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(actor)}", Ct);
        Assert.Equal("line one\nline two", Assert.Single(stored!.Items).Attributes!.Value.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ABatchWhoseOnlyEventIsInvalidUtf8IsAValidationProblemNotAServerError()
    {
        var sender = await Factory.SenderAsync();

        var response = await sender.PostAsync(DetectionTestKit.Events, Json(Concat("""[{ "type": "auth.login_failed", "time": "2026-11-23T10:00:00Z""", new byte[] { 0xA6 }, "\" }]")), Ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest);
        Assert.Contains("events[0].time", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ABatchObjectWithALoneSurrogateInANameIsAValidationProblemNotAServerError()
    {
        var sender = await Factory.SenderAsync();

        // Looking up "events" reads the names before it (found by fuzzing, fuzz/corpus/events/crash-lone-surrogate-in-batch-name.json).
        var response = await sender.PostAsync(DetectionTestKit.Events, Json(Concat("""{ "events": [{ "type": "auth.login_failed" }], "\udc00\udc00": 1 }""")), Ct);

        await response.AssertStatusAsync(HttpStatusCode.BadRequest);
        Assert.Contains("\"events\"", await response.Content.ReadAsStringAsync(Ct));
    }

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static byte[] Concat(params object[] parts) => [.. parts.SelectMany(p => p switch
    {
        string s => Encoding.UTF8.GetBytes(s),
        byte[] b => b,
        _ => throw new ArgumentException("string or bytes"),
    })];
}

public sealed class SqliteEventEncodingTests(SqliteConsole console) : EventEncodingTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresEventEncodingTests(PostgresConsole console) : EventEncodingTests(console), IClassFixture<PostgresConsole>;
