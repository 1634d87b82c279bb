using System.Net;
using System.Text.Json;
using SecurityConsole.Server.Tests.Detection;
using SecurityConsole.Server.Tests.Keys;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Validation;

/// <summary>
/// A control character (NUL above all: PostgreSQL cannot store it) in any text field of any write endpoint is a
/// 400 naming the field, on both databases, before anything is written. Tab and newline pass only in prose fields.
/// </summary>
public abstract class TextFieldTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    private sealed record Case(string Name, string Field, Func<Task<HttpResponseMessage>> Send);

    [Fact]
    public async Task EveryWriteEndpointAnswersANulInTextWithABadRequestNamingTheField()
    {
        var cases = await CasesAsync("\u0000");
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var response = await c.Send();
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode != HttpStatusCode.BadRequest || !NamesField(body, c.Field))
            {
                failures.Add($"{c.Name}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} writes did not refuse a NUL by naming the field:\n{string.Join("\n", failures)}");
    }

    [Theory]
    [InlineData("\u0001")]
    [InlineData("\u001b[31m")]
    [InlineData("\u007f")]
    [InlineData("\u0085")]
    [InlineData("\t")]
    [InlineData("\n")]
    public async Task OtherControlCharactersAreRefusedInSingleLineFieldsToo(string control)
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var request = KeyTestKit.NewRequest() with { Service = $"svc{control}x" };
        var response = await developer.PostAsJsonAsync(KeyTestKit.Requests, request, Ct);
        Assert.NotEmpty((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("service"));
    }

    [Fact]
    public async Task ProseFieldsKeepTheirLineBreaksAndTabs()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var reason = "Payments needs to verify keys:\n\t- checkout\r\n\t- refunds";
        var created = await developer.RequestAsync(KeyTestKit.NewRequest() with { Reason = reason });
        Assert.Equal(reason, created.Reason);
    }

    [Fact]
    public async Task AFalsePositiveWhoseRequiredCommentIsOnlyANulIsRefusedAndTheAlertStaysOpen()
    {
        var (analyst, alert) = await AlertAsync();
        var response = await analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/false-positive", new AlertActionRequest("\u0000"), Ct);
        Assert.NotEmpty((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("comment"));
        var after = await analyst.GetFromJsonAsync<AlertDetail>($"{Alerts}/{alert.Id}", Ct);
        Assert.Equal(AlertStatuses.Open, after!.Alert.Status);
    }

    [Fact]
    public async Task ANulInASignInFormIsRefusedBeforeTheDatabaseAndOtherControlCharactersAreAFieldError()
    {
        // ASP.NET refuses a form carrying NUL (its antiforgery check cannot read it): 400, nothing looked up.
        var nul = await Factory.CreateBrowserClient().SignInAsync("a\u0000@example.test", "wrong password");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);

        var control = await Factory.CreateBrowserClient().SignInAsync("a\u0001@example.test", "wrong password");
        Assert.Equal(HttpStatusCode.OK, control.StatusCode);
        var page = await control.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Must not contain control characters.", page);
    }

    [Theory]
    [InlineData("/api/v1/events?actor=a%00b", "actor")]
    [InlineData("/api/v1/events?source=a%00b", "source")]
    [InlineData("/api/v1/audit?text=a%00b", "text")]
    [InlineData("/api/v1/audit?actor=a%00b", "actor")]
    [InlineData("/api/v1/keys?search=a%00b", "search")]
    [InlineData("/api/v1/keys?owner=a%00b", "owner")]
    [InlineData("/api/v1/alerts?entity=a%00b", "entity")]
    public async Task ANulInASearchParameterIsABadRequestNamingIt(string path, string parameter)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.GetAsync(path, Ct);
        Assert.NotEmpty((await response.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(parameter));
    }

    private static bool NamesField(string body, string field)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An open brute-force alert raised from events, and an analyst who may triage it.</summary>
    private async Task<(BrowserClient Analyst, AlertView Alert)> AlertAsync()
    {
        var sender = await Factory.SenderAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var ip = NewAddress();
        await sender.SendOkAsync([.. Enumerable.Range(0, 10).Select(i =>
            Ev(SecurityEventTypes.LoginFailed, ip, actor: $"guess{i}-{Guid.NewGuid():N}@example.test", outcome: "failure"))]);
        return (analyst, await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip));
    }

    private async Task<List<Case>> CasesAsync(string bad)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var developerId = (await developer.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct))!.Id;
        var pending = await developer.RequestAsync(KeyTestKit.NewRequest(KeyEnvironments.Production));
        var (owner, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        var (analyst, alert) = await AlertAsync();
        // The key policy is changed only by an admin signed in with two-factor (ADR 0008).
        var policyAdmin = await Factory.SignedInWithTwoFactorAsync(Roles.Admin);
        var policy = (await admin.GetFromJsonAsync<KeyPolicy>("/api/v1/keys/policy", Ct))!;
        var badPolicy = policy with { Scopes = [policy.Scopes[0] with { Description = $"Verify{bad}" }, .. policy.Scopes.Skip(1)] };
        var ruleParameters = JsonSerializer.SerializeToElement(new { eventType = "payments.refund", by = "user", threshold = 3 });
        string RuleId() => $"nul-{Guid.NewGuid():N}"[..16];

        Task<HttpResponseMessage> DeleteWithBody(HttpClient client, string path, object body) =>
            client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path) { Content = JsonContent.Create(body) }, Ct);

        return
        [
            new("invite email", "email", () => admin.PostAsJsonAsync("/api/v1/users/invitations",
                new InviteUserRequest($"new{bad}person@example.test", [Roles.Developer]), Ct)),
            new("invite roles", "roles", () => admin.PostAsJsonAsync("/api/v1/users/invitations",
                new InviteUserRequest("new.person@example.test", [$"Developer{bad}"]), Ct)),
            new("set roles", "roles", () => policyAdmin.PutAsJsonAsync($"/api/v1/users/{developerId}/roles", new SetRolesRequest([$"Auditor{bad}"]), Ct)),
            new("key request scopes", "scopes", () => developer.PostAsJsonAsync(KeyTestKit.Requests,
                KeyTestKit.NewRequest() with { Scopes = [$"keys:verify{bad}"] }, Ct)),
            new("key request allow-list", "ipAllowList", () => developer.PostAsJsonAsync(KeyTestKit.Requests,
                KeyTestKit.NewRequest() with { IpAllowList = [$"10.0.0.0/8{bad}"] }, Ct)),
            new("retention category", "categories[0].category", () => admin.PutAsJsonAsync("/api/v1/audit/retention",
                new SetRetentionRequest([new RetentionSetting($"access{bad}", 400)]), Ct)),
            new("rule id", "id", () => admin.PostAsJsonAsync("/api/v1/rules", new DetectionRuleCreate($"rule{bad}x",
                "Refunds", RuleTypes.Threshold, AlertSeverities.Low, 600, 600, Parameters: ruleParameters), Ct)),
            new("rule event type", "parameters.eventType", () => admin.PostAsJsonAsync("/api/v1/rules", new DetectionRuleCreate(RuleId(),
                "Refunds", RuleTypes.Threshold, AlertSeverities.Low, 600, 600,
                Parameters: JsonSerializer.SerializeToElement(new { eventType = $"payments.refund{bad}", by = "user", threshold = 3 })), Ct)),
            new("key request service", "service", () => developer.PostAsJsonAsync(KeyTestKit.Requests,
                KeyTestKit.NewRequest() with { Service = $"svc{bad}" }, Ct)),
            new("key request reason", "reason", () => developer.PostAsJsonAsync(KeyTestKit.Requests,
                KeyTestKit.NewRequest() with { Reason = $"Needs{bad}keys" }, Ct)),
            new("approve comment", "comment", () => admin.DecideAsync(pending.Id, approve: true, comment: $"ok{bad}")),
            new("reject comment", "comment", () => admin.DecideAsync(pending.Id, approve: false, comment: $"no{bad}")),
            new("revoke reason", "reason", () => owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest($"leak{bad}"), Ct)),
            new("disable reason", "reason", () => owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/disable", new DisableKeyRequest($"pause{bad}"), Ct)),
            new("leak report source", "source", () => verifier.PostAsJsonAsync("/api/v1/keys/leaked",
                new KeyLeakReport(key.Secret, $"https://example.test/{bad}"), Ct)),
            new("verify scope", "requiredScope", () => verifier.PostAsJsonAsync("/api/v1/keys/verify",
                new KeyVerifyRequest(key.Secret, $"keys:verify{bad}", null), Ct)),
            new("verify client address", "clientIp", () => verifier.PostAsJsonAsync("/api/v1/keys/verify",
                new KeyVerifyRequest(key.Secret, null, $"203.0.113.9{bad}"), Ct)),
            new("key policy scope description", "scopes[0].description", () => policyAdmin.PutAsJsonAsync("/api/v1/keys/policy", badPolicy, Ct)),
            new("legal hold reason", "reason", () => admin.PostAsJsonAsync("/api/v1/audit/legal-hold", new LegalHoldRequest($"Case{bad}"), Ct)),
            new("lift legal hold reason", "reason", () => DeleteWithBody(admin, "/api/v1/audit/legal-hold", new LegalHoldRequest($"Closed{bad}"))),
            new("erasure reason", "reason", () => admin.PostAsJsonAsync("/api/v1/audit/erasure",
                new ErasureRequest(null, "jane@example.test", $"GDPR{bad}"), Ct)),
            new("erasure email", "email", () => admin.PostAsJsonAsync("/api/v1/audit/erasure",
                new ErasureRequest(null, $"jane{bad}@example.test", "GDPR Art. 17"), Ct)),
            new("erasure user id", "userId", () => admin.PostAsJsonAsync("/api/v1/audit/erasure",
                new ErasureRequest($"user{bad}", null, "GDPR Art. 17"), Ct)),
            new("rule name", "name", () => admin.PostAsJsonAsync("/api/v1/rules", new DetectionRuleCreate(RuleId(), $"Refunds{bad}",
                RuleTypes.Threshold, AlertSeverities.Low, 600, 600, Parameters: ruleParameters), Ct)),
            new("rule description", "description", () => admin.PostAsJsonAsync("/api/v1/rules", new DetectionRuleCreate(RuleId(), "Refunds",
                RuleTypes.Threshold, AlertSeverities.Low, 600, 600, Description: $"Too many{bad}", Parameters: ruleParameters), Ct)),
            new("rule update name", "name", () => admin.PutAsJsonAsync("/api/v1/rules/brute-force", new DetectionRuleUpdate(Name: $"Brute{bad}"), Ct)),
            new("rule update description", "description", () => admin.PutAsJsonAsync("/api/v1/rules/brute-force",
                new DetectionRuleUpdate(Description: $"Guessing{bad}"), Ct)),
            new("alert acknowledge comment", "comment", () => analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/acknowledge", new AlertActionRequest($"mine{bad}"), Ct)),
            new("alert resolve comment", "comment", () => analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/resolve", new AlertActionRequest($"done{bad}"), Ct)),
            new("alert false positive comment", "comment", () => analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/false-positive", new AlertActionRequest($"vpn{bad}"), Ct)),
            new("alert reopen comment", "comment", () => analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/reopen", new AlertActionRequest($"again{bad}"), Ct)),
            new("alert note", "text", () => analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/notes", new AlertNoteRequest($"VPN{bad}exit"), Ct)),
            new("alert assignee", "assigneeUserId", () => analyst.PostAsJsonAsync($"{Alerts}/{alert.Id}/assign", new AlertAssignRequest($"user{bad}"), Ct)),
        ];
    }
}

public sealed class SqliteTextFieldTests(SqliteConsole console) : TextFieldTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresTextFieldTests(PostgresConsole console) : TextFieldTests(console), IClassFixture<PostgresConsole>;
