using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// An event answered with 2xx is durable: the server really runs as its own process, is killed with SIGKILL the
/// moment the first answer arrives, is started again, and every event it acknowledged is there, and detected.
/// Only a batch whose request was still open at the kill may end without an answer; any answer must be a success.
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
        // Which batches' requests were still open (no answer, no error yet) at the kill: only those may end without an answer.
        var open = new HashSet<int>(Enumerable.Range(0, 16));
        HashSet<int>? openAtKill = null;
        await using (var server = await ConsoleProcess.StartAsync(new() { Args = args }))
        {
            using var sender = server.Client(secret);
            var batches = Enumerable.Range(0, 16).Select(async b =>
            {
                var body = JsonSerializer.Serialize(Enumerable.Range(0, 25).Select(i =>
                    Ev(SecurityEventTypes.LoginFailed, ip, actor: marker, outcome: "failure", attributes: new { batch = b, i })), JsonSerializerOptions.Web);
                HttpResponseMessage response;
                try
                {
                    response = await sender.PostAsync("api/v1/events", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
                {
                    lock (acknowledged)
                    {
                        open.Remove(b);
                        if (openAtKill?.Contains(b) == true)
                        {
                            return; // in flight when the process died: no answer, and the sender would retry it
                        }
                    }
                    throw new InvalidOperationException($"Batch {b} failed before the kill, while the console was running", ex);
                }
                lock (acknowledged)
                {
                    open.Remove(b);
                }
                // An answer came from the running process (a killed one answers nothing): it must be a success.
                await response.AssertStatusAsync(HttpStatusCode.OK);
                var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(Ct))!;
                lock (acknowledged)
                {
                    acknowledged.AddRange(result.Ids);
                    if (openAtKill is null)
                    {
                        openAtKill = [.. open];
                        server.KillHard(); // the first answer is in: kill -9, now
                    }
                }
            }).ToList();
            // No failure is swallowed here: a batch in flight at the kill has already returned, any other failure fails the test.
            await Task.WhenAll(batches);
            server.KillHard();
        }
        List<long> saved;
        lock (acknowledged)
        {
            saved = [.. acknowledged];
        }
        Assert.NotEmpty(saved);

        await using var restarted = await ConsoleProcess.StartAsync(new() { Args = args });
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
        await Eventually.ReadAsync($"a brute-force alert for {marker} after the restart (one person from one address: one incident, by person)",
            () => reader.GetFromJsonAsync<AlertPage>($"api/v1/alerts?rule=brute-force&entity={Uri.EscapeDataString(marker)}", Ct),
            alerts => alerts!.Items.Count > 0,
            alerts => $"{alerts!.Items.Count} alerts; the console's output:\n{restarted.Output}");
    }
}

public sealed class SqliteEventDurabilityTests : EventDurabilityTests
{
    protected override Task<(DatabaseProvider, string)> NewDatabaseAsync() =>
        Task.FromResult((DatabaseProvider.Sqlite, $"Data Source={DatabaseTemplates.MigratedSqliteFile("console-kill")}"));
}

public sealed class PostgresEventDurabilityTests(PostgresServer postgres) : EventDurabilityTests
{
    protected override async Task<(DatabaseProvider, string)> NewDatabaseAsync() => (DatabaseProvider.Postgres, await postgres.CreateMigratedDatabaseAsync());
}
