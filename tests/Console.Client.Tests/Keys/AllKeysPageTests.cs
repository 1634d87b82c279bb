using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Keys;
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
        Assert.Contains("1 of 4 keys", cut.Find("[data-testid=keys-count]").TextContent);
    }

    [Fact]
    public void TheDashboardsOverdueLinkShowsOnlyLiveOverdueKeys()
    {
        var cut = RenderAt("keys/all?overdue=true");

        Assert.Equal(["billing-api"], ServiceNames(cut));
        Assert.Single(Api.KeyListings);
    }

    [Fact]
    public void AFilterThatMatchesNothingSaysSoAndOffersToClearIt()
    {
        var cut = RenderAt("keys/all?owner=nobody");

        Assert.Contains("No key matches these filters", cut.Find("[data-testid=empty-state]").TextContent);
        cut.Find("[data-testid=empty-clear]").Click();
        Assert.Equal(4, ServiceNames(cut).Length);
    }

    [Fact]
    public void WithNoKeysAtAllThePageSaysWhereKeysComeFrom()
    {
        Api.Keys = (_, _) => Task.FromResult(new List<ApiKeySummary>());

        var cut = RenderAt("keys/all");

        Assert.Contains("Request a key", cut.Find("[data-testid=empty-state]").TextContent);
    }
}
