using Bunit.Rendering;
using SecurityConsole.Client.Admin;
using SecurityConsole.Client.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;

namespace SecurityConsole.Client.Tests.Words;

/// <summary>The words a newcomer reads (issue 14, "Words"): role names as people write them, ages as sentences.</summary>
public sealed class WordsTests : ConsoleTestContext
{
    [Fact]
    public void TheUsersPageNamesTheAnalystRoleWithASpace()
    {
        Api.Users = () => Task.FromResult(new List<UserSummary>
        {
            new("u1", "ana@example.com", [Roles.SecurityAnalyst], TwoFactorEnabled: true, LockedOut: false, DateTimeOffset.UtcNow, null),
        });

        var cut = RenderPage<UsersPage>();

        var roles = cut.Find("[data-testid=users-table] tbody tr [data-label=Roles]").TextContent;
        Assert.Contains("Security analyst", roles);
        Assert.DoesNotContain("SecurityAnalyst", roles);
    }

    [Fact]
    public void AKeyCreatedTodaySaysCreatedTodayNotTodayOld()
    {
        SignInWith(Permissions.KeysRequest);
        var key = Key("billing-api", ownerId: SignedInUserId, ageDays: 0);
        Api.Key = _ => Task.FromResult(key);
        Api.KeyUsage = (_, _) => Task.FromResult(new List<KeyUsagePoint>());

        var cut = RenderKey(key.Id);

        var facts = cut.Find("[data-testid=key-facts]").TextContent;
        Assert.Contains("(created today)", facts);
        Assert.DoesNotContain("today old", facts);
    }

    [Fact]
    public void AnOlderKeySaysHowManyDaysOld()
    {
        SignInWith(Permissions.KeysRequest);
        var key = Key("billing-api", ownerId: SignedInUserId, ageDays: 12);
        Api.Key = _ => Task.FromResult(key);
        Api.KeyUsage = (_, _) => Task.FromResult(new List<KeyUsagePoint>());

        var cut = RenderKey(key.Id);

        Assert.Contains("(12 days old)", cut.Find("[data-testid=key-facts]").TextContent);
    }

    private IRenderedComponent<ContainerFragment> RenderKey(Guid id) =>
        Render(builder =>
        {
            builder.OpenComponent<MudBlazor.MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudBlazor.MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<KeyDetailPage>(2);
            builder.AddAttribute(3, nameof(KeyDetailPage.Id), id);
            builder.CloseComponent();
        });
}
