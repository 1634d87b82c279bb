using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Keys;

public sealed class KeyDemoTests
{
    [Fact]
    public async Task DemoDataShowsKeysInEveryStateWithUsageAndRequestsWaiting()
    {
        await using var factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?> { ["Console:Demo"] = "true", ["Jobs:RunServer"] = "false" });
        var admin = await factory.SignedInClientAsync(Roles.Admin);

        var page = (await admin.GetFromJsonAsync<KeyPage>($"/api/v1/keys?pageSize={KeyListQuery.MaxPageSize}", Ct))!;
        Assert.Equal(page.Total, page.Items.Count);
        var keys = page.Items;
        Assert.Equal(KeyStatuses.All.Order(), keys.Select(k => k.Status).Distinct().Order());
        Assert.Contains(keys, k => k.RotationOverdue);
        Assert.Contains(keys, k => k.AwaitingPickup && k.PredecessorId is not null);
        Assert.Contains(keys, k => k.Status == KeyStatuses.Revoked && k.RevokedReason!.Contains("leaked"));

        var busiest = keys.Single(k => k.Service == "payments-api");
        var usage = (await admin.GetFromJsonAsync<List<KeyUsagePoint>>($"/api/v1/keys/{busiest.Id}/usage?hours=48", Ct))!;
        Assert.True(usage.Count > 1000, $"only {usage.Count} minutes of usage");
        Assert.NotNull(busiest.LastUsedAt);

        var pending = (await admin.GetFromJsonAsync<List<KeyRequestSummary>>("/api/v1/keys/requests?status=pending", Ct))!;
        Assert.Single(pending);
        var dashboard = (await admin.GetFromJsonAsync<DashboardSummary>("/api/v1/dashboard/summary", Ct))!;
        Assert.Equal(1, dashboard.PendingKeyRequests);
        Assert.Equal(keys.Count(k => k.RotationOverdue), dashboard.OverdueKeys);

        // Each number on the dashboard is the total of the list its card links to (issue 14, demo consistency).
        Assert.Equal((await admin.GetFromJsonAsync<KeyPage>("/api/v1/keys?status=active", Ct))!.Total, dashboard.ActiveKeys);
        Assert.Equal((await admin.GetFromJsonAsync<KeyPage>("/api/v1/keys?overdue=true", Ct))!.Total, dashboard.OverdueKeys);
        Assert.Equal((await admin.GetFromJsonAsync<List<KeyRequestSummary>>("/api/v1/key-requests?status=pending", Ct))!.Count, dashboard.PendingKeyRequests);
        Assert.Equal((await admin.GetFromJsonAsync<List<SecurityConsole.Shared.Users.UserSummary>>("/api/v1/users", Ct))!.Count, dashboard.Users);
        // Active is the list's "Active": not the expiring, disabled, replaced, revoked or expired keys beside it.
        Assert.True(dashboard.ActiveKeys < keys.Count(k => k.Status is not KeyStatuses.Revoked and not KeyStatuses.Expired));
    }
}
