using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Layout;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Layout;

public sealed class NavMenuTests : ConsoleTestContext
{
    private static string[] LinkTexts(IRenderedComponent<NavMenu> cut) =>
        [.. cut.FindAll("[data-testid=nav] a, [data-testid=nav] .mud-nav-group button").Select(a => a.TextContent.Trim())];

    [Fact]
    public void NavMenuShowsAdminToSomeoneWhoManagesUsers()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.Admin)]);

        var cut = Render<NavMenu>();

        var links = LinkTexts(cut);
        Assert.Contains(links, l => l.Contains("Admin"));
        Assert.Contains("Users and roles", links);
        Assert.Equal(["Dashboard", "Alerts", "Threats", "Detection rules", "Keys", "My keys", "Request a key", "Approvals", "All keys", "Policy", "Audit", "Compliance", "Reports"],
            links.Take(13));
    }

    [Theory]
    [InlineData("alerts/rules", "Detection rules")]
    [InlineData("alerts", "Alerts")]
    [InlineData("alerts/42", "Alerts")]
    [InlineData("keys/all", "All keys")]
    public void OnePageLightsOneMenuItem(string page, string lit)
    {
        SignInWith([.. Roles.PermissionsOf(Roles.Admin)]);
        var cut = Render<NavMenu>();

        Services.GetRequiredService<NavigationManager>().NavigateTo(page);

        cut.WaitForAssertion(() => Assert.Equal([lit], cut.FindAll("[data-testid=nav] a.active").Select(a => a.TextContent.Trim())));
    }

    [Fact]
    public void NavMenuHidesAdminFromSomeoneWhoCannotManageUsers()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.SecurityAnalyst)]);

        var cut = Render<NavMenu>();

        var links = LinkTexts(cut);
        Assert.DoesNotContain(links, l => l.Contains("Admin"));
        Assert.DoesNotContain("Users and roles", links);
        Assert.Contains("Alerts", links);
    }

    [Fact]
    public void NavMenuHidesAuditFromSomeoneWithoutAuditRead()
    {
        SignInWith(Permissions.KeysRequest);

        var cut = Render<NavMenu>();

        var links = LinkTexts(cut);
        Assert.DoesNotContain("Audit", links);
        Assert.Equal(["Dashboard", "Keys", "My keys", "Request a key"], links);
    }

    [Fact]
    public void NavMenuShowsAnAuditorAllKeysButNothingToRequestApproveOrEdit()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.Auditor)]);

        var links = LinkTexts(Render<NavMenu>());

        Assert.Contains("All keys", links);
        Assert.DoesNotContain("My keys", links);
        Assert.DoesNotContain("Approvals", links);
        Assert.DoesNotContain("Policy", links);
    }

    [Fact]
    public void NavMenuShowsAnApproverTheQueueButNotThePolicy()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.Approver)]);

        var links = LinkTexts(Render<NavMenu>());

        Assert.Equal(["Dashboard", "Keys", "My keys", "Request a key", "Approvals", "All keys"], links);
    }

    [Fact]
    public void NavMenuShowsAuditToAnAuditor()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.Auditor)]);

        var cut = Render<NavMenu>();

        Assert.Contains("Audit", LinkTexts(cut));
    }
}
