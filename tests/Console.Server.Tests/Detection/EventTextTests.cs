using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// Text that is not text (bytes that are not UTF-8, a lone UTF-16 surrogate, NUL) in a batch is that event's
/// error, naming the field, and never a 500: the other events of the batch are stored.
/// </summary>
public abstract class EventTextTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    public static TheoryData<string, string> BrokenTexts => new()
    {
        // field, JSON value as sent (raw bytes are spliced in below where the text says so)
        { "actor", "\"bad\\ud800actor\"" },
        { "actor", "\"\\udc00\"" },
        { "source", "\"svc\\ud83d\"" },
        { "actor", "\"nul\\u0000actor\"" },
        { "attributes", "{ \"app\": \"crm\\ud800\" }" },
        { "attributes", "{ \"bad\\udfffname\": \"crm\" }" },
        { "attributes", "{ \"app\": \"crm\\u0000\" }" },
        { "actor", "INVALID_UTF8_STRING" },
        { "attributes", "INVALID_UTF8_ATTRIBUTE" },
    };

    [Theory]
    [MemberData(nameof(BrokenTexts))]
    public async Task BrokenTextInOneEventIsThatEventsErrorNamingTheFieldAndTheOthersAreStored(string field, string value)
    {
        var sender = await Factory.SenderAsync();
        var actor = $"text-{Guid.NewGuid():N}@example.test";
        var good = $$"""{ "type": "auth.login_failed", "actor": "{{actor}}", "outcome": "failure" }""";
        var bad = field == "attributes"
            ? $$"""{ "type": "auth.login_failed", "actor": "{{actor}}", "attributes": {{value}} }"""
            : $$"""{ "type": "auth.login_failed", "{{field}}": {{value}} }""";
        var response = await SendBytesAsync(sender, Bytes($"[{good}, {bad}, {good}]"));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;
        Assert.Equal(2, result.Accepted);
        var error = Assert.Single(result.Errors);
        Assert.Equal(1, error.Index);
        Assert.Contains($"events[1].{field}", error.Errors.Keys);

        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var stored = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(actor)}", Ct);
        Assert.Equal(2, stored!.Items.Count);
    }

    [Fact]
    public async Task ABatchWhoseOnlyEventHasBrokenTextIsAValidationProblemNamingTheField()
    {
        var sender = await Factory.SenderAsync();
        var response = await SendBytesAsync(sender, Bytes("""[{ "type": "auth.login_failed", "actor": INVALID_UTF8_STRING }]"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("events[0].actor"));
    }

    [Fact]
    public async Task BytesThatAreNotUtf8InAFieldNameAreThatEventsError()
    {
        var sender = await Factory.SenderAsync();
        var actor = $"name-{Guid.NewGuid():N}@example.test";
        var json = $$"""[{ "type": "a.b", "actor": "{{actor}}" }, { "type": "a.b", INVALID_UTF8_STRING: "x" }]""";
        var response = await SendBytesAsync(sender, Bytes(json));
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;
        Assert.Equal(1, result.Accepted);
        Assert.Equal(1, Assert.Single(result.Errors).Index);
    }

    /// <summary>UTF-8 of the text, with each INVALID_UTF8_* placeholder replaced by a JSON string holding 0xC3 0x28 (not UTF-8).</summary>
    private static byte[] Bytes(string json)
    {
        var invalidString = new byte[] { (byte)'"', (byte)'x', 0xC3, 0x28, (byte)'"' };
        var invalidObject = new byte[] { (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)':', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)'}' };
        var output = new List<byte>();
        var rest = json;
        while (rest.Length > 0)
        {
            var s = rest.IndexOf("INVALID_UTF8_STRING", StringComparison.Ordinal);
            var o = rest.IndexOf("INVALID_UTF8_ATTRIBUTE", StringComparison.Ordinal);
            var next = new[] { s, o }.Where(i => i >= 0).DefaultIfEmpty(-1).Min();
            if (next < 0)
            {
                output.AddRange(Encoding.UTF8.GetBytes(rest));
                break;
            }
            output.AddRange(Encoding.UTF8.GetBytes(rest[..next]));
            var isString = next == s;
            output.AddRange(isString ? invalidString : invalidObject);
            rest = rest[(next + (isString ? "INVALID_UTF8_STRING" : "INVALID_UTF8_ATTRIBUTE").Length)..];
        }
        return [.. output];
    }

    private static Task<HttpResponseMessage> SendBytesAsync(HttpClient sender, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return sender.PostAsync(DetectionTestKit.Events, content, Ct);
    }
}

public sealed class SqliteEventTextTests(SqliteConsole console) : EventTextTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresEventTextTests(PostgresConsole console) : EventTextTests(console), IClassFixture<PostgresConsole>;
