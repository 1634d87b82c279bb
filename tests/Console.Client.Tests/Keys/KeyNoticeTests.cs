using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class KeyNoticeTests : ConsoleTestContext
{
    public KeyNoticeTests() => SignInWith(Permissions.KeysRequest);

    private Task NoticeAsync(KeyNotice notice) => Services.GetRequiredService<LiveConnection>().DispatchAsync(HubMethods.KeyNotice, notice);

    private static KeyNotice Approved(Guid keyId) => new(KeyNoticeKinds.RequestApproved, Guid.NewGuid(), keyId,
        "Your key for billing-api was approved", "Pick up its secret now: it is shown exactly once.", DateTimeOffset.UtcNow);

    [Fact]
    public async Task AnApprovalNoticeShowsASnackbarWhoseActionLeadsToTheKey()
    {
        var cut = RenderPage<KeyNoticeListener>();
        var keyId = Guid.NewGuid();

        await NoticeAsync(Approved(keyId));

        cut.WaitForAssertion(() => Assert.Equal("Your key for billing-api was approved", cut.Find(".mud-snackbar [data-testid=key-notice] b").TextContent));
        Assert.Contains("Pick up its secret now", cut.Find(".mud-snackbar").TextContent);
        Assert.Contains("mud-alert-filled-success", cut.Find(".mud-snackbar").ClassName);
        var action = cut.Find(".mud-snackbar-content-action button");
        Assert.Equal("Pick up", action.TextContent.Trim());
        action.Click();
        Assert.EndsWith($"/keys/{keyId}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task ANewRequestNoticeLeadsApproversToTheQueue()
    {
        var cut = RenderPage<KeyNoticeListener>();

        await NoticeAsync(new(KeyNoticeKinds.RequestPending, Guid.NewGuid(), null, "A key request waits for approval", "billing-api (production) with keys:verify.", DateTimeOffset.UtcNow));

        cut.WaitForAssertion(() => Assert.Contains("billing-api (production) with keys:verify.", cut.Find(".mud-snackbar").TextContent));
        cut.Find(".mud-snackbar-content-action button").Click();
        Assert.EndsWith("/keys/approvals", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task AnOpenKeyListRefreshesWhenANoticeArrives()
    {
        var keys = new List<ApiKeySummary>();
        Api.Keys = (_, _) => Task.FromResult(keys.ToList());
        var cut = RenderPage<MyKeysPage>();
        Assert.Contains("You have no keys yet", cut.Markup);

        var issued = Key("billing-api", ownerId: SignedInUserId, awaitingPickup: true);
        keys.Add(issued);
        await NoticeAsync(Approved(issued.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=pickup]")));
        Assert.Equal(2, Api.KeyListings.Count);
    }

    [Fact]
    public async Task AClosedPageNoLongerListens()
    {
        RenderPage<MyKeysPage>();
        await DisposeComponentsAsync();

        await NoticeAsync(Approved(Guid.NewGuid()));

        Assert.Single(Api.KeyListings);
    }
}
