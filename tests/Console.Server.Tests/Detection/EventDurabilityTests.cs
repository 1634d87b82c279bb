using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Hosting;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// An event answered with 2xx is durable: the server really runs as its own process, is killed with SIGKILL the
/// moment the first answer arrives, is started again, and every event it acknowledged is there, and detected.
/// </summary>
public abstract class EventDurabilityTests
{
    protected abstract Task<(DatabaseProvider Provider, string ConnectionString)> NewDatabaseAsync();

    [Fact]
    public async Task EveryAcknowledgedEventSurvivesAKillRightAfterTheAnswerAndIsDetectedAfterTheRestart()
    {
        var (provider, connection) = await NewDatabaseAsync();
        string secret;
        // The key is made through the real API by an in-process console on the same database, which then stops.
        await using (var setup = new ConsoleFactory(provider, connection))
        {
            (_, secret) = await setup.KeyClientAsync(Permissions.EventsWrite, Permissions.AlertsRead);
        }
        string[] args =
        [
            $"--Database:Provider={provider}", $"--ConnectionStrings:Console={connection}",
            "--Detection:OrphanAfterSeconds=1", "--Detection:SweepIntervalSeconds=0.5", "--Jobs:RunServer=false",
        ];
        var marker = $"kill-{Guid.NewGuid():N}"[..24];
        var ip = NewAddress();
        var acknowledged = new List<long>();
        await using (var server = await LiveServer.StartAsync(args))
        {
            using var sender = server.Client(secret);
            var batches = Enumerable.Range(0, 16).Select(async b =>
            {
                var body = JsonSerializer.Serialize(Enumerable.Range(0, 25).Select(i =>
                    Ev(SecurityEventTypes.LoginFailed, ip, actor: marker, outcome: "failure", attributes: new { batch = b, i })), JsonSerializerOptions.Web);
                var response = await sender.PostAsync("api/v1/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
                await response.AssertStatusAsync(HttpStatusCode.OK);
                var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;
                lock (acknowledged)
                {
                    acknowledged.AddRange(result.Ids);
                    if (acknowledged.Count == result.Ids.Count)
                    {
                        server.KillHard(); // the first answer is in: kill -9, now
                    }
                }
            }).ToList();
            try
            {
                await Task.WhenAll(batches);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
            {
                // Batches still in flight when the process died got no answer: the sender would retry them.
            }
            server.KillHard();
        }
        List<long> saved;
        lock (acknowledged)
        {
            saved = [.. acknowledged];
        }
        Assert.NotEmpty(saved);

        await using var restarted = await LiveServer.StartAsync(args);
        using var reader = restarted.Client(secret);
        var stored = new HashSet<long>();
        string? before = null;
        do
        {
            var page = await reader.GetFromJsonAsync<EventPage>($"api/v1/events?actor={marker}&limit=500{(before is null ? "" : $"&before={before}")}", Ct);
            stored.UnionWith(page!.Items.Select(e => e.Id));
            before = page.NextBefore?.ToString();
        }
        while (before is not null);
        var lost = saved.Where(id => !stored.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {saved.Count} acknowledged events are gone");

        // Detection resumes: whatever the killed process had not detected is taken from the backlog.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var alerts = await reader.GetFromJsonAsync<AlertPage>($"api/v1/alerts?rule=brute-force&entity={ip}", Ct);
            if (alerts!.Items.Count > 0)
            {
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"No brute-force alert for {ip} after the restart:\n{restarted.Output}");
            await Task.Delay(300, Ct);
        }
    }
}

public sealed class SqliteEventDurabilityTests : EventDurabilityTests
{
    protected override Task<(DatabaseProvider, string)> NewDatabaseAsync() =>
        Task.FromResult((DatabaseProvider.Sqlite, $"Data Source={Path.Combine(TestEnvironment.TempDirectory("console-kill"), "console.db")}"));
}

public sealed class PostgresEventDurabilityTests(PostgresServer postgres) : EventDurabilityTests
{
    protected override async Task<(DatabaseProvider, string)> NewDatabaseAsync() => (DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync());
}
