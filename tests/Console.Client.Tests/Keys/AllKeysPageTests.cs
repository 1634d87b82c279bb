using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class AllKeysPageTests : ConsoleTestContext
{
    private static readonly List<ApiKeySummary> Keys =
    [
        Key("billing-api", ownerEmail: "bob@example.com", overdue: true, ageDays: 120),
        Key("search-api", KeyStatuses.Revoked, KeyEnvironments.Staging, ownerEmail: "carol@example.com"),
        Key("reports-job", KeyStatuses.Expiring, KeyEnvironments.Development, ownerEmail: "dave@example.com", scopes: [Permissions.AuditRead]),
        Key("old-api", KeyStatuses.Expired, ownerEmail: "bob@example.com", overdue: true),
    ];

    public AllKeysPageTests()
    {
        SignInWith(Permissions.KeysRead);
        Api.Keys = (_, _) => Task.FromResult(Keys.ToList());
    }

    private static string[] ServiceNames(IRenderedComponent<ContainerFragment> cut) =>
        [.. cut.FindAll("[data-testid=keys-table] [data-testid=key-link]").Select(a => a.TextContent.Trim())];

    private IRenderedComponent<ContainerFragment> RenderAt(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return RenderPage<AllKeysPage>();
    }

    [Fact]
    public void EveryKeyShowsItsStatusAsAColouredChipWithOwnerScopesAgeAndLastUse()
    {
        var cut = RenderAt("keys/all");

        Assert.Equal(["billing-api", "search-api", "reports-job", "old-api"], ServiceNames(cut));
        var rows = cut.FindAll("[data-testid=keys-table] tbody tr");
        Assert.Contains("mud-chip-color-success", rows[0].QuerySelector("[data-testid=key-status] .mud-chip")!.ClassName);
        Assert.Contains("mud-chip-color-error", rows[1].QuerySelector("[data-testid=key-status] .mud-chip")!.ClassName);
        Assert.Equal("Expiring", rows[2].QuerySelector("[data-testid=key-status] .mud-chip")!.TextContent.Trim());
        Assert.Equal("bob@example.com", rows[0].QuerySelector("[data-testid=owner]")!.TextContent.Trim());
        Assert.Contains("120 days", rows[0].TextContent);
        Assert.Contains("Never", rows[0].QuerySelector("[data-label='Last used']")!.TextContent);
        Assert.Equal("high", rows[2].QuerySelector("[data-testid=scopes] .mud-chip")!.GetAttribute("data-risk"));
    }

    [Fact]
    public void TheOverdueBadgeMarksLiveKeysPastTheirMaximumAgeOnly()
    {
        var cut = RenderAt("keys/all");

        var rows = cut.FindAll("[data-testid=keys-table] tbody tr");
        Assert.NotNull(rows[0].QuerySelector("[data-testid=overdue]"));
        Assert.Null(rows[3].QuerySelector("[data-testid=overdue]"));
    }

    [Theory]
    [InlineData("keys/all?status=revoked", new[] { "search-api" })]
    [InlineData("keys/all?environment=production", new[] { "billing-api", "old-api" })]
    [InlineData("keys/all?status=expired&environment=production", new[] { "old-api" })]
    public void FiltersInTheAddressNarrowTheListByStatusAndEnvironment(string address, string[] expected)
    {
        var cut = RenderAt(address);

        Assert.Equal(expected, ServiceNames(cut));
    }

    [Fact]
    public void TheOwnerFilterMatchesPartOfTheEmailWhateverItsCase()
    {
        var cut = RenderAt("keys/all");

        cut.Find("input[data-testid=filter-owner]").Input("CAROL@");

        cut.WaitForAssertion(() => Assert.Equal(["search-api"], ServiceNames(cut)));
        Assert.Contains("1 key matches these filters", cut.Find("[data-testid=keys-count]").TextContent);
        Assert.Equal("CAROL@", Api.KeyListings[^1].Search);
        Assert.Equal(2, Api.KeyListings.Count);
    }

    [Fact]
    public void TheDashboardsOverdueLinkShowsOnlyLiveOverdueKeys()
    {
        var cut = RenderAt("keys/all?overdue=true");

        Assert.Equal(["billing-api"], ServiceNames(cut));
        Assert.True(Assert.Single(Api.KeyListings).Overdue);
    }

    [Fact]
    public void AFilterThatMatchesNothingSaysSoAndOffersToClearIt()
    {
        var cut = RenderAt("keys/all?owner=nobody");

        Assert.Contains("No key matches these filters", cut.Find("[data-testid=empty-state]").TextContent);
        cut.Find("[data-testid=empty-clear]").Click();
        cut.WaitForAssertion(() => Assert.Equal(4, ServiceNames(cut).Length));
        Assert.Null(Api.KeyListings[^1].Search);
    }

    [Fact]
    public void WithNoKeysAtAllThePageSaysWhereKeysComeFrom()
    {
        Api.Keys = (_, _) => Task.FromResult(new List<ApiKeySummary>());

        var cut = RenderAt("keys/all");

        Assert.Contains("Request a key", cut.Find("[data-testid=empty-state]").TextContent);
    }

    [Fact]
    public void TheFiltersInTheAddressGoToTheServerWithTheFirstPage()
    {
        RenderAt("keys/all?status=revoked&environment=staging&owner=carol&overdue=true");

        var sent = Assert.Single(Api.KeyListings);
        Assert.Equal(new KeyListQuery(KeyStatuses.Revoked, KeyEnvironments.Staging, Search: "carol", Overdue: true), sent);
    }

    [Fact]
    public void WhileThePageIsOnItsWayTheTableSaysItIsLoadingThenShowsTheKeys()
    {
        var answer = new TaskCompletionSource<KeyPage>();
        Api.KeyPages = _ => answer.Task;

        var cut = RenderAt("keys/all");

        Assert.NotNull(cut.Find("[data-testid=keys-loading]"));
        Assert.Empty(cut.FindAll("[data-testid=empty-state]"));
        answer.SetResult(new KeyPage([.. Keys.Take(2)], 2, 1, KeyListQuery.DefaultPageSize));
        cut.WaitForAssertion(() => Assert.Equal(["billing-api", "search-api"], ServiceNames(cut)));
        Assert.Empty(cut.FindAll("[data-testid=keys-loading]"));
    }

    [Fact]
    public void ThePagerReadsTheNextPageFromTheServerAndAFilterGoesBackToTheFirst()
    {
        var many = Enumerable.Range(0, 30).Select(i => Key($"svc-{i:D2}", ownerEmail: i % 2 == 0 ? "bob@example.com" : "carol@example.com")).ToList();
        Api.Keys = (_, _) => Task.FromResult(many);
        var cut = RenderAt("keys/all");
        Assert.Equal(25, ServiceNames(cut).Length);
        Assert.Contains("30 keys", cut.Find("[data-testid=keys-count]").TextContent);

        cut.Find("[data-testid=keys-pager] button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Equal(["svc-25", "svc-26", "svc-27", "svc-28", "svc-29"], ServiceNames(cut)));
        Assert.Equal(2, Api.KeyListings[^1].Page);

        cut.Find("input[data-testid=filter-owner]").Input("carol");

        cut.WaitForAssertion(() => Assert.Equal(1, Api.KeyListings[^1].Page));
        cut.WaitForAssertion(() => Assert.Equal(15, ServiceNames(cut).Length));
    }

    [Theory]
    [InlineData("Last used", KeySorts.LastUsed, false)]
    [InlineData("Key", KeySorts.Name, false)]
    [InlineData("Age", KeySorts.Created, true)]
    public void AHeaderSortsOnTheServer(string header, string sort, bool descending)
    {
        var cut = RenderAt("keys/all");

        cut.FindAll("[data-testid=keys-table] .mud-table-sort-label").Single(l => l.TextContent.Trim() == header).Click();

        cut.WaitForAssertion(() => Assert.Equal((sort, descending), (Api.KeyListings[^1].Sort, Api.KeyListings[^1].Descending)));
    }

    [Fact]
    public void WhenTheServerFailsThePageSaysSoAndTryAgainReadsAgain()
    {
        var fail = true;
        Api.KeyPages = q => fail ? Task.FromException<KeyPage>(ApiException.Unreachable(new HttpRequestException("down"))) : Task.FromResult(new KeyPage([.. Keys], 4, 1, q.PageSize));

        var cut = RenderAt("keys/all");

        Assert.NotNull(cut.Find("[data-testid=keys-error]"));
        fail = false;
        cut.Find("[data-testid=keys-error] button").Click();
        cut.WaitForAssertion(() => Assert.Equal(4, ServiceNames(cut).Length));
        Assert.Empty(cut.FindAll("[data-testid=keys-error]"));
    }
}
