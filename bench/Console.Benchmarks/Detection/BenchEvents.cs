using System.Text;
using System.Text.Json;
using SecurityConsole.Server.Events;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>One event of ordinary service traffic: what every detection benchmark sends, as JSON or as a row.</summary>
internal sealed record BenchEvent(string Type, string Actor, string SourceIp, string Outcome, string Attributes)
{
    public SecurityEvent Row(DateTimeOffset now, string source, Guid sender) => new()
    {
        Type = Type,
        Time = now,
        ReceivedAt = now,
        Source = source,
        Actor = Actor,
        SourceIp = SourceIp,
        Outcome = Outcome,
        Attributes = Attributes,
        SenderKeyId = sender,
    };
}

internal static class BenchEvents
{
    private static readonly string[] Types = ["bench.request", "bench.request", "bench.query", "bench.export", "bench.login"];
    private static readonly string[] Paths = ["/api/orders", "/api/customers/search", "/api/invoices/export", "/api/reports/daily"];

    /// <summary>
    /// <paramref name="batches"/> batches of <paramref name="size"/> events: 5,000 people, 65,536 addresses, mostly successes,
    /// a small attribute object. No key prefix and no failed sign-ins, so that the built-in rules learn but do not fire.
    /// </summary>
    public static BenchEvent[][] Batches(int batches, int size, int seed = 42)
    {
        var random = new Random(seed);
        var result = new BenchEvent[batches][];
        for (var b = 0; b < batches; b++)
        {
            result[b] = new BenchEvent[size];
            for (var i = 0; i < size; i++)
            {
                var n = random.Next();
                var type = Types[n % Types.Length];
                var attributes = JsonSerializer.Serialize(new { path = Paths[n % Paths.Length], status = n % 50 == 0 ? 500 : 200, ms = n % 300, bytes = n % 100_000 });
                result[b][i] = new BenchEvent(type, $"user{n % 5_000}@bench.example", $"10.{n % 7}.{n / 7 % 256}.{n / 1_792 % 256}",
                    n % 20 == 0 ? "failure" : "success", attributes);
            }
        }
        return result;
    }

    /// <summary>The request body <c>POST /api/v1/events</c> takes.</summary>
    public static byte[] Json(IEnumerable<BenchEvent> events)
    {
        var text = new StringBuilder("[");
        foreach (var e in events)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            text.Append("{\"type\":").Append(JsonSerializer.Serialize(e.Type))
                .Append(",\"actor\":").Append(JsonSerializer.Serialize(e.Actor))
                .Append(",\"sourceIp\":").Append(JsonSerializer.Serialize(e.SourceIp))
                .Append(",\"outcome\":").Append(JsonSerializer.Serialize(e.Outcome))
                .Append(",\"attributes\":").Append(e.Attributes).Append('}');
        }
        return Encoding.UTF8.GetBytes(text.Append(']').ToString());
    }

    /// <summary>One event that trips the benchmark's threshold rule (1 event of <see cref="TripType"/> per person).</summary>
    public static byte[] Trip(string actor) =>
        Encoding.UTF8.GetBytes($$"""[{"type":"{{TripType}}","actor":"{{actor}}","sourceIp":"10.250.0.1","outcome":"success"}]""");

    public const string TripType = "bench.trip";
    public const string TripRule = "bench-trip";

    /// <summary>
    /// The rule an admin would add for this: a threshold of 1 <see cref="TripType"/> per user, grouping 60 s. Each sample
    /// uses a new person, so no detection joins an earlier alert: each is a new alert, sent to every analyst.
    /// </summary>
    public static object TripRuleBody => new
    {
        id = TripRule,
        name = "Benchmark trip wire",
        type = "threshold",
        severity = "high",
        windowSeconds = 60,
        groupingSeconds = 60,
        parameters = new { eventType = TripType, by = "user", threshold = 1 },
    };

    public static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
