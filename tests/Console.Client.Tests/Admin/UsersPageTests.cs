using System.Net;
using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Admin;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Tests.Admin;

public sealed class UsersPageTests : ConsoleTestContext
{
    private static readonly UserSummary Ada = new("u1", "ada@example.com", [Roles.Admin], TwoFactorEnabled: true, LockedOut: false,
        new DateTimeOffset(2025, 1, 10, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private static readonly UserSummary Bob = new("u2", "bob@example.com", [Roles.Developer, Roles.Approver], TwoFactorEnabled: false, LockedOut: true,
        new DateTimeOffset(2025, 2, 3, 12, 0, 0, TimeSpan.Zero), null);

    public UsersPageTests() => Api.Users = () => Task.FromResult(new List<UserSummary> { Ada, Bob });

    private IRenderedComponent<ContainerFragment>? host;

    private static IElement Row(IRenderedComponent<ContainerFragment> cut, string email) =>
        cut.FindAll("[data-testid=users-table] tbody tr").Single(r => r.TextContent.Contains(email));

    private void OpenInviteDialog()
    {
        host = RenderPage<UsersPage>();
        host.Find("[data-testid=invite-user]").Click();
    }

    private IElement InviteDialog() => host!.Find(".mud-dialog");

    private static IElement FieldOf(IElement dialog, string inputSelector) =>
        dialog.QuerySelectorAll(".mud-input-control").Single(c => c.QuerySelector(inputSelector) is not null);

    [Fact]
    public void UsersPageListsEveryUserWithRolesTwoFactorAndStatus()
    {
        var cut = RenderPage<UsersPage>();

        var ada = Row(cut, "ada@example.com");
        Assert.Contains("Admin", ada.TextContent);
        Assert.Contains("On", ada.QuerySelector("[data-label=Two-factor]")!.TextContent);
        Assert.Contains("Active", ada.TextContent);
        var bob = Row(cut, "bob@example.com");
        Assert.Equal(["Developer", "Approver"], bob.QuerySelectorAll(".mud-chip").Select(c => c.TextContent.Trim()).Where(t => t != "Locked"));
        Assert.Contains("Locked", bob.TextContent);
        Assert.Contains("Never", bob.QuerySelector("[data-label='Last sign-in']")!.TextContent);
    }

    [Fact]
    public void UsersPageShowsSkeletonRowsWhileLoading()
    {
        var pending = new TaskCompletionSource<List<UserSummary>>();
        Api.Users = () => pending.Task;

        var cut = RenderPage<UsersPage>();

        Assert.NotNull(cut.Find("[data-testid=users-loading]"));
        pending.SetResult([Ada]);
        cut.WaitForAssertion(() => Assert.Contains("ada@example.com", cut.Find("[data-testid=users-table]").TextContent));
    }

    [Fact]
    public void UsersPageShowsAnErrorWithRetryWhenTheListCannotBeLoaded()
    {
        var fail = true;
        Api.Users = () => fail
            ? Task.FromException<List<UserSummary>>(new ApiException(HttpStatusCode.Forbidden, null, null, null))
            : Task.FromResult(new List<UserSummary> { Ada });

        var cut = RenderPage<UsersPage>();

        var alert = cut.Find("[data-testid=users-error]");
        Assert.Contains("Your roles do not allow this.", alert.TextContent);
        fail = false;
        alert.QuerySelector("button")!.Click();
        cut.WaitForAssertion(() => Assert.Contains("ada@example.com", cut.Find("[data-testid=users-table]").TextContent));
    }

    [Fact]
    public void UsersPageSaysWhenNoInvitationIsOpen()
    {
        var cut = RenderPage<UsersPage>();

        Assert.Contains("No open invitations", cut.Find("[data-testid=invitations]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=invitations-table]"));
    }

    [Fact]
    public void UsersPageListsOpenInvitationsWithRevoke()
    {
        Api.Invitations = () => Task.FromResult(new List<InvitationSummary>
        {
            new("i1", "carol@example.com", [Roles.Auditor], "ada@example.com", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3)),
        });

        var cut = RenderPage<UsersPage>();

        var row = cut.Find("[data-testid=invitations-table] tbody tr");
        Assert.Contains("carol@example.com", row.TextContent);
        Assert.Contains("Auditor", row.TextContent);
        Assert.Contains("Revoke", row.TextContent);
        Assert.DoesNotContain("No open invitations", cut.Markup);
    }

    [Fact]
    public void InviteDialogShowsTheApiFieldErrorsNextToTheField()
    {
        Api.Invite = _ => Task.FromException<InvitationCreated>(new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null,
            new Dictionary<string, string[]> { ["email"] = ["A user with this email address already exists."] }));
        OpenInviteDialog();

        InviteDialog().QuerySelector("input[type=email]")!.Change("ada@example.com");
        InviteDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        var email = FieldOf(InviteDialog(), "input[type=email]");
        Assert.Contains("A user with this email address already exists.", email.TextContent);
        Assert.Contains("mud-input-error", email.InnerHtml);
        Assert.Equal("ada@example.com", Assert.Single(Api.InviteRequests).Email);
        Assert.Null(InviteDialog().QuerySelector("[data-testid=link-warning]"));
    }

    [Fact]
    public void InviteDialogChecksTheEmailBeforeAskingTheApi()
    {
        OpenInviteDialog();

        InviteDialog().QuerySelector("input[type=email]")!.Change("not-an-address");
        InviteDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        Assert.Contains("Enter an email address such as name@example.com.", FieldOf(InviteDialog(), "input[type=email]").TextContent);
        Assert.Empty(Api.InviteRequests);
    }

    [Fact]
    public void InviteDialogShowsTheInvitationLinkOnceCreated()
    {
        const string link = "http://localhost:5080/Account/AcceptInvite?token=3q2-7wE";
        Api.Invite = r => Task.FromResult(new InvitationCreated("i9", r.Email, r.Roles, link, DateTimeOffset.UtcNow.AddDays(3)));
        OpenInviteDialog();

        InviteDialog().QuerySelector("input[type=email]")!.Change("dan@example.com");
        InviteDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        var dialog = InviteDialog();
        Assert.Contains("shown only once", dialog.QuerySelector("[data-testid=link-warning]")!.TextContent);
        Assert.Equal(link, dialog.QuerySelector("input[readonly]")!.GetAttribute("value"));
        Assert.Equal([Roles.Developer], Assert.Single(Api.InviteRequests).Roles);
        Assert.Null(dialog.QuerySelector("input[type=email]"));
    }
}
