using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The console as an orchestrator runs it (issue 15): on SIGTERM it turns not ready before it stops listening and answers
/// the event batches in flight; with Logging:Console:FormatterName=json every line it prints is a JSON object.
/// </summary>
public sealed class ShutdownAndLogsTests
{
    [Fact]
    public async Task OnSigtermReadinessTurnsUnhealthyWhileBatchesInFlightAreCommittedAndAnswered()
    {
        var connection = $"Data Source={DatabaseTemplates.MigratedSqliteFile("console-shutdown")}";
        string secret;
        await using (var setup = new ConsoleFactory(DatabaseProvider.Sqlite, connection))
        {
            (_, secret) = await setup.KeyClientAsync(Permissions.EventsWrite);
        }
        await using var console = await ConsoleProcess.StartAsync(new()
        {
            // Long enough to be seen on a loaded machine; the default is 5 s.
            Args = ["--Database:Provider=Sqlite", $"--ConnectionStrings:Console={connection}", "--Shutdown:DrainSeconds=20"],
        });
        using var sender = console.Client(secret);
        using var probe = console.Client();
        // Ready first, as an orchestrator waits for it before it sends traffic: the start waited for /health/live only, and
        // on a loaded machine a readiness check may not have passed yet the moment the node answers (503 there, main at c9ab25b, load ~40).
        await Eventually.HoldsAsync("/health/ready to say the node is ready", async () =>
        {
            using var response = await probe.GetAsync("/health/ready", Ct);
            return (response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        });

        var batches = Enumerable.Range(0, 8).Select(b => sender.PostAsJsonAsync("/api/v1/events",
            Enumerable.Range(0, 500).Select(i => new SecurityEventInput(SecurityEventTypes.LoginFailed, Actor: $"shutdown-{b}-{i}", Outcome: "failure")), Ct)).ToList();
        var stopped = console.StopAsync();

        var ready = await Eventually.ReadAsync("/health/ready to say the node is stopping", async () =>
            {
                using var response = await probe.GetAsync("/health/ready", Ct);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct));
            },
            r => r.StatusCode == HttpStatusCode.ServiceUnavailable, r => $"{r.StatusCode} {r.Body}");
        using var readiness = JsonDocument.Parse(ready.Body);
        Assert.Equal("Unhealthy", readiness.RootElement.GetProperty("checks").GetProperty("shutdown").GetProperty("status").GetString());
        foreach (var batch in batches)
        {
            var response = await batch;
            await response.AssertStatusAsync(HttpStatusCode.OK);
            Assert.Equal(500, (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!.Accepted);
        }
        await stopped;
        Assert.Contains("Stopping: not ready from now on", console.Output);
    }

    [Fact]
    public async Task WithTheJsonFormatterEveryLineOnStandardOutputIsAJsonObject()
    {
        var database = Path.Combine(TestEnvironment.TempDirectory("console-json"), "console.db");
        await using var console = await ConsoleProcess.StartAsync(new()
        {
            Args = ["--Database:Provider=Sqlite", $"--ConnectionStrings:Console=Data Source={database}"],
            Environment = new Dictionary<string, string?> { ["Logging__Console__FormatterName"] = "json" },
        });
        using var client = console.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        // No admin yet: the hint about `admin setup-link` is printed once the server listens; wait for it.
        var lines = await Eventually.ReadAsync("the setup hint in the output",
            () => Task.FromResult(console.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
            l => l.Any(line => line.Contains("admin setup-link")));

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
        }
        Assert.Contains(lines, l => l.Contains("\"Category\":\"Microsoft.Hosting.Lifetime\""));
    }
}
