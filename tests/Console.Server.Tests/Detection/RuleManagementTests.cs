using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

public abstract class RuleManagementTests(SharedConsole console)
{
    private const string Rules = "/api/v1/rules";
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnalystsSeeTheBuiltInRulesWithHowOftenEachFired()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var ip = NewAddress();
        await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(_ => Ev(SecurityEventTypes.LoginFailed, ip, outcome: "failure"))]);
        await analyst.WaitForAlertAsync(a => a.EntityId == ip);

        var rules = await analyst.GetFromJsonAsync<List<DetectionRuleView>>(Rules, Ct);
        Assert.Superset(new HashSet<string> { "brute-force", "revoked-key-use", "leaked-key", "account-lockout", "rate-limited-key", "service-rate-anomaly",
            "key-new-network", "user-unusual-hours" }, rules!.Select(r => r.Id).ToHashSet());
        var bruteForce = rules!.Single(r => r.Id == "brute-force");
        Assert.True(bruteForce.FiredCount >= 1);
        Assert.NotNull(bruteForce.LastFiredAt);
        Assert.True(bruteForce.ActiveAlerts >= 1);
        Assert.Equal(10, bruteForce.Parameters.GetProperty("threshold").GetInt32());
        Assert.Equal(RuleTypes.All, (await analyst.GetFromJsonAsync<List<RuleTypeInfo>>($"{Rules}/types", Ct))!.Select(t => t.Type));
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"{Rules}/no-such-rule", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PutAsJsonAsync($"{Rules}/brute-force", new DetectionRuleUpdate(Enabled: false), Ct)).StatusCode);
    }

    [Theory]
    [InlineData("""{ "parameters": { "threshold": 0 } }""", "parameters.threshold")]
    [InlineData("""{ "parameters": { "threshold": "ten" } }""", "parameters.threshold")]
    [InlineData("""{ "parameters": { "treshold": 5 } }""", "parameters.treshold")]
    [InlineData("""{ "parameters": { "by": ["key", "planet"] } }""", "parameters.by[1]")]
    [InlineData("""{ "parameters": { "eventTypes": [] } }""", "parameters.eventTypes")]
    [InlineData("""{ "parameters": [1, 2] }""", "parameters")]
    [InlineData("""{ "severity": "urgent" }""", "severity")]
    [InlineData("""{ "windowSeconds": 1 }""", "windowSeconds")]
    [InlineData("""{ "groupingSeconds": -5 }""", "groupingSeconds")]
    [InlineData("""{ "name": "" }""", "name")]
    public async Task ARuleChangeIsValidatedAndABadOneNamesTheField(string body, string field)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.PutAsync($"{Rules}/brute-force", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.NotEmpty((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field));
    }

    [Fact]
    public async Task ARuleChangeIsAuditedAndTakesEffectWithoutARestart()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var sender = await Factory.SenderAsync();
        var id = $"refunds-{Guid.NewGuid():N}"[..20];
        var type = $"payments.refund_{Guid.NewGuid():N}"[..30];
        var create = new DetectionRuleCreate(id, "Refund burst", RuleTypes.Threshold, AlertSeverities.Medium, 600, 3600,
            Parameters: JsonSerializer.SerializeToElement(new { eventType = type, by = "user", threshold = 3 }));
        var created = await admin.PostAsJsonAsync(Rules, create, Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync(Rules, create, Ct)).StatusCode);

        await sender.SendOkAsync([.. Enumerable.Range(0, 3).Select(_ => Ev(type, actor: "mallory"))]);
        var first = await admin.WaitForAlertAsync(a => a.RuleId == id && a.EntityId == "mallory");
        Assert.Equal(AlertSeverities.Medium, first.Severity);

        var disabled = await admin.PutAsJsonAsync($"{Rules}/{id}", new DetectionRuleUpdate(Enabled: false), Ct);
        await disabled.AssertStatusAsync(HttpStatusCode.OK);
        await sender.SendOkAsync([.. Enumerable.Range(0, 5).Select(_ => Ev(type, actor: "trudy"))]);
        await Factory.QuietAsync();
        Assert.Empty((await admin.AlertsAsync($"&rule={id}&entity=trudy")).Items);

        var tuned = await admin.PutAsJsonAsync($"{Rules}/{id}", new DetectionRuleUpdate(Enabled: true, Severity: AlertSeverities.Critical,
            Parameters: JsonSerializer.SerializeToElement(new { eventType = type, by = "user", threshold = 2 })), Ct);
        await tuned.AssertStatusAsync(HttpStatusCode.OK);
        var view = (await tuned.Content.ReadFromJsonAsync<DetectionRuleView>(Ct))!;
        Assert.Equal((true, AlertSeverities.Critical, 2, 3), (view.Enabled, view.Severity, view.Parameters.GetProperty("threshold").GetInt32(), view.Version));
        Assert.StartsWith("user:", view.UpdatedBy);
        await sender.SendOkAsync([.. Enumerable.Range(0, 2).Select(_ => Ev(type, actor: "eve"))]);
        var second = await admin.WaitForAlertAsync(a => a.RuleId == id && a.EntityId == "eve");
        Assert.Equal(AlertSeverities.Critical, second.Severity);

        // Saving what is already there changes nothing and is not audited.
        await (await admin.PutAsJsonAsync($"{Rules}/{id}", new DetectionRuleUpdate(Enabled: true), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var audited = await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == "detection_rule" && e.TargetId == id)
            .OrderBy(e => e.Sequence).Select(e => new { e.Action, e.Data }).ToListAsync(Ct);
        Assert.Equal(["detection.rule_created", "detection.rule_updated", "detection.rule_updated"], audited.Select(a => a.Action));
        Assert.Contains("\"enabled\"", audited[1].Data);
        Assert.Contains("\"threshold\"", audited[2].Data);
    }

    [Fact]
    public async Task AnAdminDeletesARuleTheyCreatedButOnlyDisablesABuiltInOne()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var sender = await Factory.SenderAsync();
        var id = $"gone-{Guid.NewGuid():N}"[..16];
        var type = $"crm.export_{Guid.NewGuid():N}"[..24];
        var created = await admin.PostAsJsonAsync(Rules, new DetectionRuleCreate(id, "Bulk export", RuleTypes.Threshold, AlertSeverities.Low, 60, 600,
            Parameters: JsonSerializer.SerializeToElement(new { eventType = type, by = "user", threshold = 1 })), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        Assert.False((await created.Content.ReadFromJsonAsync<DetectionRuleView>(Ct))!.BuiltIn);
        Assert.True((await admin.GetFromJsonAsync<DetectionRuleView>($"{Rules}/brute-force", Ct))!.BuiltIn);

        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.DeleteAsync($"{Rules}/{id}", Ct)).StatusCode);
        var builtIn = await (await admin.DeleteAsync($"{Rules}/brute-force", Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Built-in rules cannot be deleted", builtIn.GetProperty("title").GetString());

        await (await admin.DeleteAsync($"{Rules}/{id}", Ct)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Rules}/{id}", Ct)).StatusCode);
        await (await admin.DeleteAsync($"{Rules}/{id}", Ct)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.NotNull(await admin.GetFromJsonAsync<DetectionRuleView>($"{Rules}/brute-force", Ct));

        // Gone from detection too: its events raise nothing.
        await sender.SendOkAsync(Ev(type, actor: "mallory"));
        await Factory.QuietAsync();
        Assert.Empty((await admin.AlertsAsync($"&rule={id}")).Items);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var audited = await db.AuditEntries.AsNoTracking().Where(e => e.TargetType == "detection_rule" && e.TargetId == id)
            .OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync(Ct);
        Assert.Equal(["detection.rule_created", "detection.rule_deleted"], audited);
    }

    [Fact]
    public async Task ANewRuleIsValidatedLikeAChange()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var bad = await admin.PostAsJsonAsync(Rules, new
        {
            id = "X",
            name = "",
            type = "magic",
            severity = "high",
            windowSeconds = 60,
            groupingSeconds = 60,
        }, Ct);
        var problem = await bad.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(problem.FieldErrors("id"));
        Assert.NotEmpty(problem.FieldErrors("name"));
        Assert.NotEmpty(problem.FieldErrors("type"));
        var badParameters = await admin.PostAsJsonAsync(Rules, new DetectionRuleCreate($"r-{Guid.NewGuid():N}"[..12], "R", RuleTypes.RateAnomaly, "low", 300, 0,
            Parameters: JsonSerializer.SerializeToElement(new { alpha = 2.0, by = "ip" })), Ct);
        Assert.NotEmpty((await badParameters.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("parameters.alpha"));
    }
}

public sealed class SqliteRuleManagementTests(SqliteConsole console) : RuleManagementTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresRuleManagementTests(PostgresConsole console) : RuleManagementTests(console), IClassFixture<PostgresConsole>;
