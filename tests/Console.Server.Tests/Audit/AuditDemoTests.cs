using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

public sealed class AuditDemoTests
{
    [Fact]
    public async Task DemoDataWritesARealisticTrailThroughTheChain()
    {
        await using var factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?> { ["Console:Demo"] = "true", ["Jobs:RunServer"] = "false" });
        var auditor = await factory.SignedInClientAsync(Roles.Auditor);

        var signins = await auditor.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=signin.*&category=access&limit=500", Json, Ct);
        Assert.True(signins!.Items.Count > 50);
        Assert.Contains(signins.Items, i => i.Outcome == "failure");
        // Every sign-in, the demo's and the auditor's own through the form just now, reads the same: a success by the person
        // signed in, a failure by someone not signed in, the e-mail as typed, the address it came from as the entry's
        // source address (masked for the auditor).
        Assert.All(signins.Items, i => Assert.Equal(i.Outcome == "success" ? "user" : "anonymous", i.ActorType));
        Assert.All(signins.Items.Where(i => i.Outcome == "success"), i => Assert.Equal(i.TargetId, i.ActorId));
        Assert.All(signins.Items, i => Assert.EndsWith(".*.*", i.SourceIp));
        Assert.All(signins.Items, i => Assert.False(i.Personal?.ContainsKey("ip") ?? false, "the address is the source address, not a field"));
        Assert.True(signins.Items.Count(i => i.Personal!["email"]!.EndsWith("@demo.example", StringComparison.Ordinal)) > 50);
        // Office addresses, and the incidents' addresses (the guessing, the lock-out).
        Assert.Contains(signins.Items, i => i.SourceIp == "10.20.*.*");
        var keys = await auditor.GetFromJsonAsync<AuditPage>("/api/v1/audit?category=key&limit=500", Json, Ct);
        Assert.Equal(10, keys!.Items.Count(i => i.Action == "key.issued"));
        Assert.Equal(2, keys.Items.Count(i => i.Action == "key.revoked"));
        Assert.Contains(keys.Items, i => i.Action == "key.rotated");
        Assert.Contains(keys.Items, i => i.Action == "key.request_rejected");

        var result = await auditor.VerifyAsync();
        Assert.True(result.Intact, result.Detail);

        // History, not a heap of entries stamped at start-up: two weeks of sign-ins, keys issued months ago, in time order.
        Assert.True(signins.Items.Select(i => i.Time.UtcDateTime.Date).Distinct().Count() >= 10, "sign-ins spread over the two weeks");
        var firstIssued = keys.Items.Where(i => i.Action == "key.issued").Min(i => i.Time);
        Assert.True(firstIssued < signins.Items.Min(i => i.Time).AddDays(-90), $"the oldest key was issued {firstIssued:O}, four months back");
        await factory.AssertTimeNeverGoesBackAsync();

        // One story (issue 14): each demo person has two-factor on, joined before their keys, and their last sign-in is
        // their newest audited one (not "Never" beside audited sign-ins).
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var people = (await admin.GetFromJsonAsync<List<SecurityConsole.Shared.Users.UserSummary>>("/api/v1/users", Json, Ct))!
            .Where(u => u.Email.EndsWith("@demo.example", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, people.Count);
        var succeeded = (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=signin.succeeded&limit=500", Json, Ct))!.Items;
        foreach (var person in people)
        {
            Assert.True(person.TwoFactorEnabled, $"{person.Email} has two-factor off");
            var audited = succeeded.Where(i => i.TargetId == person.Id).Select(i => i.Time).ToList();
            Assert.NotEmpty(audited);
            Assert.Equal(audited.Max(), person.LastSignInAt);
            Assert.True(person.CreatedAt < firstIssued, $"{person.Email} joined {person.CreatedAt:O}, after the first key was issued");
        }

        // And a newcomer can sign in as one of them: the printed password, then the authenticator's code.
        byte[] secret;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<SecurityConsole.Server.Users.ConsoleUser>>();
            var ana = (await users.FindByEmailAsync("ana.analyst@demo.example"))!;
            secret = SecurityConsole.Server.Tests.Security.Totp.Key((await users.GetAuthenticatorKeyAsync(ana))!);
        }
        var browser = factory.CreateBrowserClient();
        var password = await browser.SignInAsync("ana.analyst@demo.example", SecurityConsole.Server.Demo.DemoPeople.Password);
        Assert.Contains("Account/LoginWith2fa", password.Headers.Location!.ToString());
        var path = "/" + password.Headers.Location!.ToString().TrimStart('/').Split("://")[^1].Split('/', 2)[^1];
        var token = await ConsoleClients.AntiforgeryTokenAsync(browser, path);
        var code = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login-with-2fa",
            ["Input.TwoFactorCode"] = SecurityConsole.Server.Tests.Security.Totp.Code(secret, DateTimeOffset.UtcNow),
        }), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, code.StatusCode);
        var me = await browser.GetFromJsonAsync<SecurityConsole.Shared.Users.CurrentUser>("/api/v1/me", Ct);
        Assert.Equal("ana.analyst@demo.example", me!.Email);
    }

    [Fact]
    public async Task DemoOnADatabaseThatAlreadyHasATrailRefusesAndSaysWhy()
    {
        // A console that has run without --demo: its own start-up (the detection rules) is already in the trail.
        await using var factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?> { ["Jobs:RunServer"] = "false" });
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var before = await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?limit=500", Json, Ct);
        Assert.NotEmpty(before!.Items);

        var refused = await Assert.ThrowsAsync<SecurityConsole.Server.Common.StartupException>(
            () => SecurityConsole.Server.Demo.DemoData.SeedAsync(factory.Services, Ct));
        Assert.Contains("fresh database", refused.Message);

        // Nothing was half-seeded: no demo people, and the trail is what it was.
        var after = await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?limit=500", Json, Ct);
        Assert.Equal(before.Items.Count, after!.Items.Count);
        Assert.DoesNotContain(after.Items, i => i.Action == "demo.seeded");
    }
}
