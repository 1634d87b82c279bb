using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Detection;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>Detection as a client drives it: services send events with a key, analysts read and triage alerts.</summary>
internal static class DetectionTestKit
{
    public const string Events = "/api/v1/events";
    public const string Alerts = "/api/v1/alerts";

    /// <summary>Settings for consoles whose tests wait on detection: the sweep and rule refresh run often.</summary>
    public static Dictionary<string, string?> Fast(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Detection:OrphanAfterSeconds"] = "1",
            ["Detection:SweepIntervalSeconds"] = "0.5",
            ["Detection:RulesRefreshSeconds"] = "0.5",
            ["Detection:BaselineFlushSeconds"] = "0.5",
            ["Detection:StatsSeconds"] = "0.5",
        };
        foreach (var (k, v) in more ?? [])
        {
            settings[k] = v;
        }
        return settings;
    }

    public static async Task<HttpClient> SenderAsync(this ConsoleFactory factory) => (await factory.KeyClientAsync(Permissions.EventsWrite)).Client;

    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient sender, string json, string mediaType = "application/json") =>
        sender.PostAsync(Events, new StringContent(json, Encoding.UTF8, mediaType), Ct);

    public static Task<HttpResponseMessage> SendAsync(this HttpClient sender, params object[] events) =>
        sender.SendRawAsync(JsonSerializer.Serialize(events, JsonSerializerOptions.Web));

    public static async Task<EventBatchResult> SendOkAsync(this HttpClient sender, params object[] events)
    {
        var response = await sender.SendAsync(events);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;
    }

    /// <summary>A unique address in 198.18.0.0/15 (benchmarking range), so tests sharing a console do not share entities.</summary>
    public static string NewAddress() => $"198.{18 + Random.Shared.Next(2)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public static async Task<AlertPage> AlertsAsync(this HttpClient analyst, string query = "")
    {
        var response = await analyst.GetAsync($"{Alerts}?limit=200{query}", Ct);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<AlertPage>(Ct))!;
    }

    /// <summary>Waits (detection runs off the request path) for an alert matching the predicate.</summary>
    public static async Task<AlertView> WaitForAlertAsync(this HttpClient analyst, Func<AlertView, bool> match, string query = "")
    {
        var page = await Eventually.ReadAsync($"a matching alert (query '{query}')", () => analyst.AlertsAsync(query),
            page => page.Items.Any(match),
            page => $"alerts: {string.Join("; ", page.Items.Select(a => $"{a.RuleId}/{a.EntityId}: {a.Title}"))}");
        return page.Items.First(match);
    }

    /// <summary>Waits until detection has evaluated every event committed so far on this node, then a little more.</summary>
    public static async Task QuietAsync(this ConsoleFactory factory)
    {
        await Task.Delay(1500, Ct);
        _ = factory.Services.GetRequiredService<DetectionPipeline>();
    }

    public static AuthenticationHeaderValue Bearer(string secret) => new("Bearer", secret);

    public static object Ev(string type, string? ip = null, string? actor = null, string? key = null, string? outcome = null, string? source = null,
        DateTimeOffset? time = null, object? attributes = null) =>
        new Dictionary<string, object?>
        {
            ["type"] = type,
            ["sourceIp"] = ip,
            ["actor"] = actor,
            ["keyPrefix"] = key,
            ["outcome"] = outcome,
            ["source"] = source,
            ["time"] = time?.ToString("O"),
            ["attributes"] = attributes,
        }.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value);
}
