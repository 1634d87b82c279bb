using System.Net;
using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class ApprovalsPageTests : ConsoleTestContext
{
    private readonly KeyRequestSummary theirs = Request("billing-api", requesterEmail: "bob@example.com");
    private readonly KeyRequestSummary mine = Request("search-api", requesterId: SignedInUserId, requesterEmail: "ada@example.com");

    public ApprovalsPageTests()
    {
        SignInWith(Permissions.KeysApprove, Permissions.KeysRequest, Permissions.KeysRead);
        Api.KeyRequests = status => Task.FromResult(status == KeyRequestStatuses.Pending ? new List<KeyRequestSummary> { theirs, mine } : []);
    }

    private static IElement Item(IRenderedComponent<ContainerFragment> cut, KeyRequestSummary request) => cut.Find($"[data-request='{request.Id}']");

    private static IElement Dialog(IRenderedComponent<ContainerFragment> cut) => cut.Find(".mud-dialog");

    [Fact]
    public void TheQueueAsksForPendingRequestsAndShowsWhoWantsWhatAndWhy()
    {
        var cut = RenderPage<ApprovalsPage>();

        var item = Item(cut, theirs);
        Assert.Contains("bob@example.com", item.QuerySelector("[data-testid=requester]")!.TextContent);
        Assert.Contains("only from 10.0.0.0/8", item.TextContent);
        Assert.Contains("Partners call billing-api", item.QuerySelector("[data-testid=reason]")!.TextContent);
        Assert.Equal(2, item.QuerySelectorAll("[data-testid=scopes] .mud-chip").Length);
        Assert.Contains("2 requests waiting", cut.Find("[data-testid=queue-count]").TextContent);
    }

    [Fact]
    public void AnApproverCannotDecideTheirOwnRequestAndIsToldWhy()
    {
        var cut = RenderPage<ApprovalsPage>();

        var own = Item(cut, mine);
        Assert.True(own.QuerySelector("[data-testid=approve]")!.HasAttribute("disabled"));
        Assert.True(own.QuerySelector("[data-testid=reject]")!.HasAttribute("disabled"));
        Assert.Contains("someone else must decide", own.QuerySelector("[data-testid=own-request]")!.TextContent);
        var other = Item(cut, theirs);
        Assert.False(other.QuerySelector("[data-testid=approve]")!.HasAttribute("disabled"));
        Assert.Null(other.QuerySelector("[data-testid=own-request]"));
    }

    [Fact]
    public void ApprovingSendsTheCommentAndTheDecidedRequestLeavesTheQueue()
    {
        Api.DecideKeyRequest = (id, approve, _) => Task.FromResult(theirs with { Status = KeyRequestStatuses.Approved, AwaitingPickup = true });
        var cut = RenderPage<ApprovalsPage>();
        Item(cut, theirs).QuerySelector("[data-testid=approve]")!.Click();
        Assert.Contains("you never see it", Dialog(cut).TextContent);

        Api.KeyRequests = _ => Task.FromResult(new List<KeyRequestSummary> { mine });
        Dialog(cut).QuerySelector("textarea[data-testid=decision-comment]")!.Input("Scopes match the reason");
        Dialog(cut).QuerySelector("[data-testid=decision-submit]")!.Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll($"[data-request='{theirs.Id}']")));
        Assert.Equal([(theirs.Id, true, new KeyRequestDecision("Scopes match the reason"))], Api.Decisions);
        Assert.Contains("waits for bob@example.com to pick it up", cut.Find(".mud-snackbar").TextContent);
    }

    [Fact]
    public void RejectingNeedsACommentSoThatTheRequesterLearnsWhy()
    {
        Api.DecideKeyRequest = (_, _, _) => Task.FromResult(theirs with { Status = KeyRequestStatuses.Rejected });
        var cut = RenderPage<ApprovalsPage>();
        Item(cut, theirs).QuerySelector("[data-testid=reject]")!.Click();

        Dialog(cut).QuerySelector("[data-testid=decision-submit]")!.Click();

        Assert.Contains("Say why", Dialog(cut).TextContent);
        Assert.Empty(Api.Decisions);
        Dialog(cut).QuerySelector("textarea[data-testid=decision-comment]")!.Input("Use a staging key first");
        Dialog(cut).QuerySelector("[data-testid=decision-submit]")!.Click();
        cut.WaitForAssertion(() => Assert.Equal([(theirs.Id, false, new KeyRequestDecision("Use a staging key first"))], Api.Decisions));
    }

    [Fact]
    public void TheServersRefusalIsShownInTheDialogInWords()
    {
        Api.DecideKeyRequest = (_, _, _) => Task.FromException<KeyRequestSummary>(new ApiException(HttpStatusCode.Conflict,
            "The request was already decided", "This request is approved; only pending requests can be approved or rejected.", null));
        var cut = RenderPage<ApprovalsPage>();
        Item(cut, theirs).QuerySelector("[data-testid=approve]")!.Click();

        Dialog(cut).QuerySelector("[data-testid=decision-submit]")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("only pending requests can be approved", Dialog(cut).QuerySelector("[data-testid=decision-error]")!.TextContent));
    }

    [Fact]
    public void AnEmptyQueueSaysNothingWaits()
    {
        Api.KeyRequests = _ => Task.FromResult(new List<KeyRequestSummary>());

        var cut = RenderPage<ApprovalsPage>();

        Assert.Contains("Nothing waits for a decision", cut.Find("[data-testid=empty-state]").TextContent);
    }
}
