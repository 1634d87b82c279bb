using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Charts;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;
using TrailPage = SecurityConsole.Shared.Audit.AuditPage;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class KeyDetailPageTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Minute = new(DateTimeOffset.UtcNow.Ticks - DateTimeOffset.UtcNow.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    private readonly ApiKeySummary mine = Key("billing-api", ownerId: SignedInUserId, ownerEmail: "ada@example.com", lastUsed: DateTimeOffset.UtcNow.AddMinutes(-5));

    public KeyDetailPageTests()
    {
        SignInWith(Permissions.KeysRequest);
        Api.Key = id => id == mine.Id ? Task.FromResult(mine) : Task.FromException<ApiKeySummary>(new ApiException(HttpStatusCode.NotFound, null, null, null));
        Api.KeyUsage = (_, _) => Task.FromResult(new List<KeyUsagePoint> { new(Minute.AddMinutes(-30), 4), new(Minute.AddMinutes(-29), 6) });
    }

    private IRenderedComponent<ContainerFragment> RenderKey(Guid id) =>
        Render(builder =>
        {
            builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudBlazor.MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudBlazor.MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<KeyDetailPage>(3);
            builder.AddAttribute(4, nameof(KeyDetailPage.Id), id);
            builder.CloseComponent();
        });

    private static IElement Dialog(IRenderedComponent<ContainerFragment> cut) => cut.Find(".mud-dialog");

    [Fact]
    public void TheKeyShowsEverythingAboutItButNeverASecret()
    {
        var cut = RenderKey(mine.Id);

        Assert.Equal("billing-api", cut.Find("h1").TextContent);
        var facts = cut.Find("[data-testid=key-facts]");
        Assert.Equal(mine.DisplayKey, facts.QuerySelector("[data-testid=display-key]")!.TextContent);
        Assert.Equal("ada@example.com", facts.QuerySelector("[data-testid=owner]")!.TextContent);
        Assert.Contains("keys:verify", facts.TextContent);
        Assert.Contains("5 minutes ago from 10.1.2.3", cut.Find("[data-testid=last-used]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=rotate]"));
        Assert.NotNull(cut.Find("[data-testid=revoke]"));
    }

    [Fact]
    public void UsageIsChartedOverTheChosenPeriod()
    {
        var cut = RenderKey(mine.Id);

        cut.WaitForAssertion(() => Assert.Equal("bar", cut.Find("[data-testid=key-usage] [data-testid=chart]").GetAttribute("data-chart-type")));
        Assert.Contains("10 uses in the last 24 hours; busiest minute 6", cut.Find("[data-testid=usage-summary]").TextContent);
        Assert.Equal([(mine.Id, 24)], Api.UsageRequests);

        cut.FindAll("[data-testid=usage-range] .mud-toggle-item")[2].Click();

        cut.WaitForAssertion(() => Assert.Equal((mine.Id, 720), Api.UsageRequests[^1]));
        cut.WaitForAssertion(() => Assert.Equal("bar", cut.Find("[data-testid=key-usage] [data-testid=chart]").GetAttribute("data-chart-type")));
    }

    [Fact]
    public void AnUnusedKeySaysSoInsteadOfAnEmptyChart()
    {
        Api.KeyUsage = (_, _) => Task.FromResult(new List<KeyUsagePoint>());

        var cut = RenderKey(mine.Id);

        cut.WaitForAssertion(() => Assert.Contains("Not used in the last 24 hours", cut.Find("[data-testid=key-usage] [data-testid=empty-state]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=key-usage] [data-testid=chart]"));
    }

    [Fact]
    public void UsageBucketsSumTheMinutesAndFillTheQuietTimesWithZeros()
    {
        var now = new DateTimeOffset(2026, 11, 23, 12, 7, 0, TimeSpan.Zero);
        var day = new KeyUsageChart.UsageRange(24, "24 h", "24 hours", TimeSpan.FromMinutes(15), "15 minutes", ApexChartType.Bar);

        var buckets = KeyUsageChart.Buckets(
            [new(now.AddMinutes(-7), 2), new(now.AddMinutes(-3), 3), new(now.AddHours(-2), 5)], day, now);

        Assert.Equal(96, buckets.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), buckets[^1].X);
        Assert.Equal(5, buckets[^1].Y);
        Assert.Equal(5, buckets[^9].Y);
        Assert.Equal(10, buckets.Sum(b => b.Y));
    }

    [Fact]
    public void HistoryFromTheAuditTrailIsShownToThoseWhoMayReadIt()
    {
        SignInWith(Permissions.KeysRequest, Permissions.AuditRead);
        Api.SearchAudit = q => Task.FromResult(new TrailPage(
        [
            Entry(9, "key.picked_up", "api_key", q.Target!),
            Entry(8, "key.request_approved", "api_key_request", q.Target!),
            Entry(7, "key.issued", "api_key", q.Target!),
        ], null, null));

        var cut = RenderKey(mine.Id);

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=history-table] tbody tr").Count));
        Assert.Equal(mine.Id.ToString(), Assert.Single(Api.AuditSearches).Target);
        Assert.Contains("key.picked_up", cut.Find("[data-testid=history-table]").TextContent);
        cut.FindAll("[data-testid=history-table] tbody tr")[0].Click();
        Assert.Contains("Place in the chain", Dialog(cut).TextContent);
    }

    [Fact]
    public void WithoutAuditReadThereIsNoHistoryAndNoSearch()
    {
        var cut = RenderKey(mine.Id);

        Assert.Empty(cut.FindAll("[data-testid=key-history]"));
        Assert.Empty(Api.AuditSearches);
    }

    [Fact]
    public void RotatingExplainsTheGracePeriodAndSendsTheChosenHours()
    {
        var successor = Guid.NewGuid();
        Api.RotateKey = (id, r) => Task.FromResult(new KeyRotated(id, DateTimeOffset.UtcNow.AddHours(r.GraceHours!.Value), successor, "sc_prod_Zz99…k3Lm", null));
        var cut = RenderKey(mine.Id);
        cut.Find("[data-testid=rotate]").Click();

        var grace = Dialog(cut).QuerySelector("input[data-testid=rotate-grace]")!;
        Assert.Equal("24", grace.GetAttribute("value"));
        Assert.Contains("keeps working during the grace period", Dialog(cut).TextContent);
        grace.Input("0");
        Assert.Contains("the current key stops at once", Dialog(cut).TextContent);

        Dialog(cut).QuerySelector("input[data-testid=rotate-grace]")!.Input("2");
        Dialog(cut).QuerySelector("[data-testid=rotate-submit]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal([(mine.Id, new RotateKeyRequest(2))], Api.Rotations));
        cut.WaitForAssertion(() => Assert.Contains("The new key is sc_prod_Zz99…k3Lm", cut.Find(".mud-snackbar").TextContent));
    }

    [Fact]
    public void RevokingNeedsAReasonAndAConfirmation()
    {
        Api.RevokeKey = (_, r) => Task.FromResult(mine with { Status = KeyStatuses.Revoked, RevokedReason = r.Reason, RevokedAt = DateTimeOffset.UtcNow });
        var cut = RenderKey(mine.Id);
        cut.Find("[data-testid=revoke]").Click();

        var submit = Dialog(cut).QuerySelector("[data-testid=revoke-submit]")!;
        Assert.True(submit.HasAttribute("disabled"));
        Assert.Contains("mud-button-filled-error", submit.ClassName);
        Dialog(cut).QuerySelector("input[data-testid=revoke-confirm]")!.Change(true);
        Dialog(cut).QuerySelector("[data-testid=revoke-submit]")!.Click();
        Assert.Contains("This field is required.", Dialog(cut).TextContent);
        Assert.Empty(Api.Revocations);

        Api.Key = _ => Task.FromResult(mine with { Status = KeyStatuses.Revoked, RevokedReason = "Leaked in a CI log", RevokedAt = DateTimeOffset.UtcNow });
        Dialog(cut).QuerySelector("textarea[data-testid=revoke-reason]")!.Input("Leaked in a CI log");
        Dialog(cut).QuerySelector("[data-testid=revoke-submit]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal([(mine.Id, new RevokeKeyRequest("Leaked in a CI log"))], Api.Revocations));
        cut.WaitForAssertion(() => Assert.Contains("Leaked in a CI log", cut.Find("[data-testid=revoked-banner]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=revoke]"));
    }

    [Fact]
    public void DisablingNeedsAReasonAndIsUndoneByEnabling()
    {
        var disabled = mine with { Status = KeyStatuses.Disabled, DisabledAt = DateTimeOffset.UtcNow, DisabledReason = "Investigating traffic" };
        Api.SetKeyDisabled = (_, r) => Task.FromResult(r is null ? mine : disabled);
        var cut = RenderKey(mine.Id);
        cut.Find("[data-testid=disable]").Click();

        Dialog(cut).QuerySelector("[data-testid=disable-submit]")!.Click();
        Assert.Contains("This field is required.", Dialog(cut).TextContent);
        Api.Key = _ => Task.FromResult(disabled);
        Dialog(cut).QuerySelector("textarea[data-testid=disable-reason]")!.Input("Investigating traffic");
        Dialog(cut).QuerySelector("[data-testid=disable-submit]")!.Click();

        cut.WaitForAssertion(() => Assert.Contains("Investigating traffic", cut.Find("[data-testid=disabled-banner]").TextContent));
        Assert.Equal("Disabled", cut.Find("[data-testid=key-facts] [data-testid=key-status] .mud-chip").TextContent.Trim());
        Api.Key = _ => Task.FromResult(mine);
        cut.Find("[data-testid=enable]").Click();
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Enable").Click();

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=disabled-banner]")));
        Assert.Equal([(mine.Id, new DisableKeyRequest("Investigating traffic")), (mine.Id, null)], Api.DisabledChanges);
    }

    [Fact]
    public void AReaderWhoIsNotTheOwnerSeesTheKeyButCannotChangeOrPickItUp()
    {
        SignInWith(Permissions.KeysRead);
        var theirs = Key("search-api", awaitingPickup: true);
        Api.Key = _ => Task.FromResult(theirs);

        var cut = RenderKey(theirs.Id);

        Assert.Empty(cut.FindAll("[data-testid=rotate]"));
        Assert.Empty(cut.FindAll("[data-testid=revoke]"));
        Assert.Contains("waits for bob@example.com", cut.Find("[data-testid=pickup-banner]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=pickup]"));
    }

    [Fact]
    public void AKeyAdminMayRotateAndRevokeSomeoneElsesKey()
    {
        SignInWith(Permissions.KeysRead, Permissions.KeysWrite);
        var theirs = Key("search-api");
        Api.Key = _ => Task.FromResult(theirs);

        var cut = RenderKey(theirs.Id);
        cut.Find("[data-testid=rotate]").Click();

        Assert.Contains("Its owner, bob@example.com, picks up its secret once", Dialog(cut).TextContent);
    }

    [Fact]
    public void ARotatedKeyLinksToItsSuccessorAndTheSuccessorBack()
    {
        var successor = Guid.NewGuid();
        Api.Key = id => Task.FromResult(id == mine.Id
            ? mine with { Status = KeyStatuses.PendingRotation, SuccessorId = successor }
            : Key("billing-api", ownerId: SignedInUserId, id: successor, predecessor: mine.Id, awaitingPickup: true));

        var cut = RenderKey(mine.Id);

        Assert.Equal($"keys/{successor}", cut.Find("[data-testid=successor-link]").GetAttribute("href"));
        Assert.Contains("Rotate", cut.Find("[data-testid=rotate]").TextContent);
        Assert.True(cut.Find("[data-testid=rotate]").HasAttribute("disabled"));
    }

    [Fact]
    public void AKeyThatIsNotThereOrNotOursSaysSo()
    {
        var cut = RenderKey(Guid.NewGuid());

        Assert.Contains("does not exist, or it is not yours to see", cut.Find("[data-testid=key-error]").TextContent);
    }

    private static AuditEntryView Entry(long sequence, string action, string targetType, string targetId) =>
        new(sequence, DateTimeOffset.UtcNow.AddMinutes(-sequence), "key", action, "user", SignedInUserId, targetType, targetId, "success", null, null,
            JsonDocument.Parse("{}").RootElement.Clone(), null, PersonalDataState.None, null, $"hash-{sequence}", $"hash-{sequence - 1}");
}
