using System.Net;
using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class MyKeysPageTests : ConsoleTestContext
{
    private readonly ApiKeySummary waiting = Key("billing-api", ownerId: SignedInUserId, ownerEmail: "ada@example.com", awaitingPickup: true);

    public MyKeysPageTests()
    {
        SignInWith(Permissions.KeysRequest);
        Api.Keys = (_, _) => Task.FromResult(new List<ApiKeySummary> { waiting });
    }

    private static IElement Dialog(IRenderedComponent<ContainerFragment> cut) => cut.Find(".mud-dialog");

    [Fact]
    public void TheListAsksForOnesOwnKeysAndShowsOnlyOnesOwnRequests()
    {
        Api.KeyRequests = _ => Task.FromResult(new List<KeyRequestSummary>
        {
            Request("mine-api", KeyRequestStatuses.Rejected, SignedInUserId, comment: "Use a staging key first"),
            Request("someone-elses-api"),
        });

        var cut = RenderPage<MyKeysPage>();

        Assert.Equal(SignedInUserId, Assert.Single(Api.KeyListings).Owner);
        var rows = cut.FindAll("[data-testid=requests-table] tbody tr");
        var row = Assert.Single(rows);
        Assert.Contains("mine-api", row.TextContent);
        Assert.Equal("Rejected", row.QuerySelector("[data-testid=request-status]")!.TextContent.Trim());
        Assert.Contains("Use a staging key first", row.QuerySelector("[data-testid=decision]")!.TextContent);
    }

    [Fact]
    public void PickingUpShowsTheSecretOnceWithAWarningAndACopyButton()
    {
        Api.PickUpKey = id => Task.FromResult(Issued(id));
        var clipboard = JSInterop.SetupModule("./js/clipboard.js");
        clipboard.Setup<bool>("copyText", _ => true).SetResult(true);
        var cut = RenderPage<MyKeysPage>();
        Assert.Contains("A secret waits for you", cut.Find("[data-testid=waiting-banner]").TextContent);

        cut.Find("[data-testid=pickup]").Click();

        cut.WaitForAssertion(() => Assert.Equal(Issued(waiting.Id).Secret, Dialog(cut).QuerySelector("[data-testid=secret]")!.TextContent));
        Assert.Contains("This is the only time the secret is shown", Dialog(cut).QuerySelector("[data-testid=pickup-warning]")!.TextContent);
        Dialog(cut).QuerySelector("[data-testid=copy-secret]")!.Click();
        cut.WaitForAssertion(() => Assert.NotNull(Dialog(cut).QuerySelector("[data-testid=copied]")));
        var copy = Assert.Single(clipboard.Invocations, i => i.Identifier == "copyText");
        Assert.Equal(Issued(waiting.Id).Secret, copy.Arguments[0]);
        Assert.Equal([$"key {waiting.Id}"], Api.PickUps);
    }

    [Fact]
    public void AfterClosingThePickUpOnlyTheDisplayKeyIsShown()
    {
        Api.PickUpKey = id => Task.FromResult(Issued(id));
        var cut = RenderPage<MyKeysPage>();
        cut.Find("[data-testid=pickup]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(Dialog(cut).QuerySelector("[data-testid=secret]")));

        Api.Keys = (_, _) => Task.FromResult(new List<ApiKeySummary> { waiting with { AwaitingPickup = false } });
        Dialog(cut).QuerySelector("[data-testid=pickup-done]")!.Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".mud-dialog")));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=pickup]")));
        Assert.DoesNotContain(Issued(waiting.Id).Secret, cut.Markup);
        Assert.Equal(waiting.DisplayKey, cut.Find("[data-testid=display-key]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=waiting-banner]"));
    }

    [Fact]
    public void ASecretAlreadyPickedUpSaysSoInWords()
    {
        Api.PickUpKey = _ => Task.FromException<ApiKeyIssued>(new ApiException(HttpStatusCode.Gone, "The secret was already picked up", "…", null));
        var cut = RenderPage<MyKeysPage>();

        cut.Find("[data-testid=pickup]").Click();

        cut.WaitForAssertion(() => Assert.Contains("This secret was already picked up", Dialog(cut).QuerySelector("[data-testid=pickup-error]")!.TextContent));
        Assert.Contains("rotate the key", Dialog(cut).TextContent);
        Assert.Null(Dialog(cut).QuerySelector("[data-testid=secret]"));
    }

    [Fact]
    public void AnApprovedRequestIsPickedUpThroughTheRequest()
    {
        var approved = Request("billing-api", KeyRequestStatuses.Approved, SignedInUserId, awaitingPickup: true, keyId: waiting.Id);
        Api.KeyRequests = _ => Task.FromResult(new List<KeyRequestSummary> { approved });
        Api.PickUpRequest = _ => Task.FromResult(Issued(waiting.Id));
        var cut = RenderPage<MyKeysPage>();

        cut.Find("[data-testid=request-pickup]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(Dialog(cut).QuerySelector("[data-testid=secret]")));
        Assert.Equal([$"request {approved.Id}"], Api.PickUps);
    }

    [Fact]
    public void SomeoneWithoutKeysIsToldHowToGetOne()
    {
        Api.Keys = (_, _) => Task.FromResult(new List<ApiKeySummary>());

        var cut = RenderPage<MyKeysPage>();

        Assert.Contains("You have no keys yet", cut.FindAll("[data-testid=empty-state]")[0].TextContent);
        Assert.Equal("keys/request", cut.Find("[data-testid=empty-request]").GetAttribute("href"));
    }

    [Fact]
    public void WhenTheKeysCannotBeLoadedThePageSaysWhyAndOffersToTryAgain()
    {
        var fail = true;
        Api.Keys = (_, _) => fail ? Task.FromException<List<ApiKeySummary>>(ApiException.Unreachable(new HttpRequestException("down"))) : Task.FromResult(new List<ApiKeySummary> { waiting });
        var cut = RenderPage<MyKeysPage>();

        Assert.Contains("could not be reached", cut.Find("[data-testid=keys-error]").TextContent);
        fail = false;
        cut.Find("[data-testid=keys-error] button").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=keys-table] tbody tr")));
    }
}
