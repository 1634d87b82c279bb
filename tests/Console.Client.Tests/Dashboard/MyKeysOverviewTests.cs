using System.Text.Json;
using SecurityConsole.Client.Charts;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Tests.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Dashboard;

/// <summary>The developer's dashboard (issue 14): their own keys, their waiting requests, what is due, and their keys' use.</summary>
public sealed class MyKeysOverviewTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 30, 0, TimeSpan.Zero);

    private static string[] Cards(IRenderedComponent<MyKeysOverview> cut) =>
        [.. cut.FindAll("[data-testid=stat-card]").Select(c => $"{c.QuerySelector("p")!.TextContent.Trim()}: {c.QuerySelector("h5")?.TextContent.Trim()}")];

    [Fact]
    public void ADeveloperSeesTheirKeysTheirWaitingRequestsWhatIsDueAndHowMuchTheirKeysWereUsed()
    {
        SignInWith(Permissions.KeysRequest);
        const string me = "user-ada";
        var payments = KeyTestData.Key("payments-api", ownerId: me) with { ExpiresAt = Now.AddDays(9) };
        var search = KeyTestData.Key("search-api", ownerId: me, overdue: true) with { ExpiresAt = Now.AddDays(200) };
        var quiet = KeyTestData.Key("reports-api", ownerId: me) with { ExpiresAt = Now.AddDays(120) };
        var revoked = KeyTestData.Key("old-api", status: KeyStatuses.Revoked, ownerId: me) with { ExpiresAt = Now.AddDays(5) };
        var someoneElses = KeyTestData.Key("billing-api") with { ExpiresAt = Now.AddDays(3) };
        Api.Keys = (_, owner) => Task.FromResult(new List<ApiKeySummary> { payments, search, quiet, revoked, someoneElses }.Where(k => owner is null || k.OwnerUserId == owner).ToList());
        Api.KeyRequests = _ => Task.FromResult(new List<KeyRequestSummary>
        {
            KeyTestData.Request("ledger-api", requesterId: me),
            KeyTestData.Request("ledger-api", requesterId: KeyTestData.OtherUserId),
            KeyTestData.Request("audit-api", status: KeyRequestStatuses.Approved, requesterId: me),
        });
        Api.KeyUsage = (id, _) => Task.FromResult(id == payments.Id
            ? new List<KeyUsagePoint> { new(Now.AddHours(-3), 40), new(Now.AddHours(-1), 2) }
            : id == search.Id ? [new(Now.AddMinutes(-10), 5)] : new List<KeyUsagePoint>());

        var cut = Render<MyKeysOverview>(p => p.Add(c => c.Now, Now));

        cut.WaitForAssertion(() => Assert.Equal(
            ["Your keys in use: 3", "Your requests waiting: 1", "Due in 30 days: 2", "Uses, last 24 hours: 47"], Cards(cut)));
        var due = cut.FindAll("[data-testid=my-key-due]");
        Assert.Equal(2, due.Count);
        Assert.Contains("payments-api", due[0].TextContent);
        Assert.Equal("expires 2026-12-11", due[0].QuerySelector("[data-testid=my-key-due-when]")!.TextContent.Trim());
        Assert.Contains("search-api", due[1].TextContent);
        Assert.Equal("rotation overdue", due[1].QuerySelector("[data-testid=my-key-due-when]")!.TextContent.Trim());
        Assert.DoesNotContain("billing-api", cut.Markup);
        Assert.DoesNotContain("old-api", cut.Find("[data-testid=my-keys-due]").TextContent);
        // Only one's own live keys are asked about.
        Assert.Equal(new[] { payments.Id, search.Id, quiet.Id }.Order(), Api.UsageRequests.Select(r => r.Id).Order());

        // Each card leads to the list it counts.
        Assert.Equal(["keys", "keys#my-requests", "#my-keys-due"], cut.FindAll("[data-testid=stat-card-link]").Select(a => a.GetAttribute("href")));

        // Uses are counts per hour: bars, both axes named.
        var chart = cut.FindComponent<ApexChart>();
        Assert.Equal(ApexChartType.Bar, chart.Instance.Type);
        var options = JsonSerializer.SerializeToElement(chart.Instance.BuildOptions());
        Assert.Equal("Hour (UTC)", options.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("Uses per hour", options.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(47, options.GetProperty("series")[0].GetProperty("data").EnumerateArray().Sum(p => p.GetProperty("y").GetDouble()));
    }

    [Fact]
    public void ADeveloperWithNothingDueIsToldSoAndAWaitingSecretIsPointedOut()
    {
        SignInWith(Permissions.KeysRequest);
        var key = KeyTestData.Key("payments-api", ownerId: "user-ada", awaitingPickup: true) with { ExpiresAt = Now.AddDays(90) };
        Api.Keys = (_, _) => Task.FromResult(new List<ApiKeySummary> { key });

        var cut = Render<MyKeysOverview>(p => p.Add(c => c.Now, Now));

        cut.WaitForAssertion(() => Assert.Contains("Nothing is due", cut.Find("[data-testid=my-keys-nothing-due]").TextContent));
        Assert.Contains("A secret waits for you", cut.Find("[data-testid=my-keys-pickup]").TextContent);
        Assert.Contains("None of your keys was used in the last 24 hours.", cut.Find("[data-testid=my-keys-usage]").TextContent);
    }
}
