using System.Net;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>GET /api/v1/alerts/{id}: what a link to one alert opens.</summary>
public abstract class AlertDetailTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    private static object Revoked(string key, string ip) =>
        Ev(SecurityEventTypes.KeyVerifyFailed, ip, key: key, outcome: "failure", attributes: new { reason = "revoked" });

    [Fact]
    public async Task OneAlertComesWithEachOccurrenceAndATitleCountingThemAll()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var key = $"sc_live_R{Random.Shared.Next(100_000, 999_999)}";
        var ip = NewAddress();

        // Three attempts in one batch raise the alert; a fourth later is grouped into it.
        await sender.SendOkAsync(Revoked(key, ip), Revoked(key, ip), Revoked(key, ip));
        var raised = await analyst.WaitForAlertAsync(a => a.RuleId == "revoked-key-use" && a.EntityId == key && a.Count == 3);
        Assert.Equal($"Revoked key {key} presented 3 times after revocation (last from {ip})", raised.Title);
        await sender.SendOkAsync(Revoked(key, ip));
        var grouped = await analyst.WaitForAlertAsync(a => a.Id == raised.Id && a.Count == 4);
        Assert.Equal($"Revoked key {key} presented 4 times after revocation (last from {ip})", grouped.Title);

        var detail = await analyst.GetFromJsonAsync<AlertDetail>($"{Alerts}/{raised.Id}", Ct);
        Assert.Equal((raised.Id, 4), (detail!.Alert.Id, detail.Alert.Count));
        Assert.StartsWith("Last attempt at ", detail.Alert.Summary);
        Assert.Equal(4, detail.Occurrences.Count);
        Assert.All(detail.Occurrences, o => Assert.Equal($"Revoked key {key} presented once after revocation (from {ip})", o.Title));
        Assert.True(detail.Occurrences.Zip(detail.Occurrences.Skip(1)).All(p => p.First.At >= p.Second.At), "Newest occurrence first");
        Assert.Equal(4, detail.RecentEvents.Count);
        Assert.Contains(detail.Occurrences[0].EventId, detail.RecentEvents.Select(e => e.Id));
    }

    [Fact]
    public async Task AnUnknownAlertIsANotFoundProblemAndAMalformedIdABadRequestNamingIt()
    {
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);

        var missing = await (await analyst.GetAsync($"{Alerts}/987654321", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("No such alert", missing.GetProperty("title").GetString());
        foreach (var id in new[] { "abc", "0", "-4", "12abc", "99999999999999999999" })
        {
            var bad = await (await analyst.GetAsync($"{Alerts}/{id}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.NotEmpty(bad.FieldErrors("id"));
        }

        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync($"{Alerts}/987654321", Ct)).StatusCode);
    }
}

public sealed class SqliteAlertDetailTests(SqliteConsole console) : AlertDetailTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresAlertDetailTests(PostgresConsole console) : AlertDetailTests(console), IClassFixture<PostgresConsole>;
