using System.Net;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Tests.Keys;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Detection.DetectionTestKit;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>The console's own security events feed the same detection as services' events.</summary>
public abstract class ConsoleEventTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task GuessingKeysFromOneAddressRaisesABruteForceAlertOnThatAddress()
    {
        var verifier = await Factory.VerifierAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var ip = NewAddress();
        for (var i = 0; i < 10; i++)
        {
            var answer = await verifier.VerifyAsync(KeyFormat.Generate(KeyEnvironments.Production), ip: ip);
            Assert.Equal(KeyVerifyReasons.NotFound, answer.Reason);
        }
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "brute-force" && a.EntityId == ip);
        Assert.Equal(EntityKinds.Ip, alert.EntityKind);
        var events = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?sourceIp={ip}&type={SecurityEventTypes.KeyVerifyFailed}", Ct);
        Assert.Equal(10, events!.Items.Count);
        Assert.All(events.Items, e => Assert.Equal(("console", "not_found"), (e.Source, e.Attributes!.Value.GetProperty("reason").GetString())));
        Assert.All(events.Items, e => Assert.StartsWith("sc_live_", e.KeyPrefix));
    }

    [Fact]
    public async Task ARevokedKeyStillPresentedRaisesAnAlertForThatKey()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("Rotated out"), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        var ip = NewAddress();
        Assert.Equal(KeyVerifyReasons.Revoked, (await verifier.VerifyAsync(key.Secret, ip: ip)).Reason);

        var prefix = KeyFormat.DisplayPrefix(key.Secret);
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "revoked-key-use" && a.EntityId == prefix);
        Assert.Contains(ip, alert.Title);
        var revoked = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?keyPrefix={prefix}&type={SecurityEventTypes.KeyRevoked}", Ct);
        Assert.Equal(key.Id.ToString(), Assert.Single(revoked!.Items).Attributes!.Value.GetProperty("keyId").GetString());
    }

    [Fact]
    public async Task ALeakedKeyReportIsStoredBeforeTheAnswerAndRaisesACriticalAlert()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var scanner = (await Factory.KeyClientAsync(Permissions.KeysVerify)).Client;
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var report = await scanner.PostAsJsonAsync("/api/v1/keys/leaked", new KeyLeakReport(key.Secret, "github-secret-scanning"), Ct);
        await report.AssertStatusAsync(HttpStatusCode.OK);

        var prefix = KeyFormat.DisplayPrefix(key.Secret);
        // No waiting: the event was committed before the report was answered.
        var stored = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?keyPrefix={prefix}&type={SecurityEventTypes.KeyLeakReported}", Ct);
        var e = Assert.Single(stored!.Items);
        Assert.Equal("revoked", e.Attributes!.Value.GetProperty("outcome").GetString());
        Assert.DoesNotContain(key.Secret, e.Attributes.Value.GetRawText());

        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "leaked-key" && a.EntityId == prefix);
        Assert.Equal(AlertSeverities.Critical, alert.Severity);
    }

    [Fact]
    public async Task FailedSignInsAndTheLockoutTheyCauseAreEventsAndTheLockoutAlerts()
    {
        var email = $"victim-{Guid.NewGuid():N}@example.test";
        await Factory.CreateUserAsync(email, Roles.Developer);
        var browser = Factory.CreateBrowserClient();
        for (var i = 0; i < 5; i++)
        {
            await browser.SignInAsync(email, "wrong password, attempt " + i);
        }
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var alert = await analyst.WaitForAlertAsync(a => a.RuleId == "account-lockout" && a.EntityId == email);
        Assert.Equal(EntityKinds.User, alert.EntityKind);
        var events = await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?actor={Uri.EscapeDataString(email)}", Ct);
        Assert.Equal(4, events!.Items.Count(x => x.Type == SecurityEventTypes.LoginFailed));
        Assert.Single(events.Items, x => x.Type == SecurityEventTypes.Lockout);
        Assert.All(events.Items, x => Assert.NotNull(x.SourceIp));
    }

    [Fact]
    public async Task AValidKeyIsRecordedAsUsedOncePerNetworkAndHourNotOnEveryVerification()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await verifier.VerifyAsync(key.Secret, ip: $"192.0.2.{10 + i}")).Valid);
        }
        Assert.True((await verifier.VerifyAsync(key.Secret, ip: "198.51.100.4")).Valid);
        var prefix = KeyFormat.DisplayPrefix(key.Secret);
        var used = (await Eventually.ReadAsync($"two {SecurityEventTypes.KeyUsed} events of {prefix}",
            () => analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?keyPrefix={prefix}&type={SecurityEventTypes.KeyUsed}", Ct),
            page => page!.Items.Count >= 2,
            page => $"from {string.Join(", ", page!.Items.Select(e => e.SourceIp))}"))!;
        Assert.Equal(["192.0.2.10", "198.51.100.4"], used.Items.Select(e => e.SourceIp!).Order());
    }
}

public sealed class SqliteConsoleEventTests(SqliteConsole console) : ConsoleEventTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresConsoleEventTests(PostgresConsole console) : ConsoleEventTests(console), IClassFixture<PostgresConsole>;
