using SecurityConsole.Server.Common;
using SecurityConsole.Server.Tests.Infrastructure;
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
        Assert.All(signins.Items.Where(i => i.ActorType == "system"), i => Assert.EndsWith("@demo.example", i.Personal!["email"]));
        Assert.All(signins.Items.Where(i => i.ActorType == "system"), i => Assert.Equal("10.20.*.*", i.Personal!["ip"]));
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
