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

    private void OpenOpenDialog()
    {
        host = RenderPage<UsersPage>();
        host.Find("[data-testid=invite-user]").Click();
    }

    /// <summary>The open dialog; it renders in the dialog provider, beside the page.</summary>
    private IElement OpenDialog() => host!.Find(".mud-dialog");

    /// <summary>The role checkbox's input, whether the test id sits on its wrapper or on the input itself.</summary>
    private static string RoleBox(string role) => $"[data-testid=role-{role}] input, input[data-testid=role-{role}]";

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
        OpenOpenDialog();

        OpenDialog().QuerySelector("input[type=email]")!.Change("ada@example.com");
        OpenDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        var email = FieldOf(OpenDialog(), "input[type=email]");
        Assert.Contains("A user with this email address already exists.", email.TextContent);
        Assert.Contains("mud-input-error", email.InnerHtml);
        Assert.Equal("ada@example.com", Assert.Single(Api.InviteRequests).Email);
        Assert.Null(OpenDialog().QuerySelector("[data-testid=link-warning]"));
    }

    [Fact]
    public void InviteDialogChecksTheEmailBeforeAskingTheApi()
    {
        OpenOpenDialog();

        OpenDialog().QuerySelector("input[type=email]")!.Change("not-an-address");
        OpenDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        Assert.Contains("Enter an email address such as name@example.com.", FieldOf(OpenDialog(), "input[type=email]").TextContent);
        Assert.Empty(Api.InviteRequests);
    }

    [Theory]
    [InlineData("<svg/onload=alert(1)>@x.io")]
    [InlineData("\"><img src=x onerror=alert(1)>@x.io")]
    [InlineData("a\u0000b@example.com")]
    public void InviteDialogRefusesAnAddressCarryingMarkupBeforeAskingTheApi(string address)
    {
        OpenOpenDialog();

        OpenDialog().QuerySelector("input[type=email]")!.Change(address);
        OpenDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        Assert.Contains("Enter an email address such as name@example.com.", FieldOf(OpenDialog(), "input[type=email]").TextContent);
        Assert.Empty(Api.InviteRequests);
    }

    [Fact]
    public void InviteDialogShowsTheInvitationLinkOnceCreated()
    {
        const string link = "http://localhost:5080/Account/AcceptInvite?token=3q2-7wE";
        Api.Invite = r => Task.FromResult(new InvitationCreated("i9", r.Email, r.Roles, link, DateTimeOffset.UtcNow.AddDays(3)));
        OpenOpenDialog();

        OpenDialog().QuerySelector("input[type=email]")!.Change("dan@example.com");
        OpenDialog().QuerySelector("[data-testid=invite-submit]")!.Click();

        var dialog = OpenDialog();
        Assert.Contains("shown only once", dialog.QuerySelector("[data-testid=link-warning]")!.TextContent);
        Assert.Equal(link, dialog.QuerySelector("input[readonly]")!.GetAttribute("value"));
        Assert.Equal([Roles.Developer], Assert.Single(Api.InviteRequests).Roles);
        Assert.Null(dialog.QuerySelector("input[type=email]"));
    }

    [Fact]
    public void LockingAUserAsksFirstThenShowsThemLocked()
    {
        var calls = new List<(string Id, bool Locked)>();
        Api.SetLocked = (id, locked) =>
        {
            calls.Add((id, locked));
            return Task.FromResult(Ada with { LockedOut = locked });
        };
        host = RenderPage<UsersPage>();

        Row(host, "ada@example.com").QuerySelector("button[aria-label='Lock ada@example.com']")!.Click();

        Assert.Contains("Lock ada@example.com?", OpenDialog().TextContent);
        Assert.Empty(calls);
        OpenDialog().QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Lock").Click();

        host.WaitForAssertion(() => Assert.Contains("Locked", Row(host, "ada@example.com").TextContent));
        Assert.Equal([("u1", true)], calls);
    }

    [Fact]
    public void CancellingTheLockConfirmationChangesNothing()
    {
        host = RenderPage<UsersPage>();

        Row(host, "ada@example.com").QuerySelector("button[aria-label='Lock ada@example.com']")!.Click();
        OpenDialog().QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        Assert.Empty(host.FindAll(".mud-dialog"));
        Assert.Contains("Active", Row(host, "ada@example.com").TextContent);
    }

    [Fact]
    public void EditRolesShowsEachRoleWithItsDescriptionAndTheApiRefusal()
    {
        Api.SetRoles = (_, _) => Task.FromException<UserSummary>(new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null,
            new Dictionary<string, string[]> { ["roles"] = ["This is the last admin; make someone else an admin first."] }));
        host = RenderPage<UsersPage>();

        Row(host, "ada@example.com").QuerySelector("button[aria-label='Change roles of ada@example.com']")!.Click();
        var dialog = OpenDialog();
        Assert.Contains(Roles.Describe(Roles.Auditor), dialog.TextContent);
        dialog.QuerySelector(RoleBox("Admin"))!.Change(false);
        dialog.QuerySelector(RoleBox("Auditor"))!.Change(true);
        OpenDialog().QuerySelector("[data-testid=roles-save]")!.Click();

        Assert.Contains("This is the last admin", OpenDialog().QuerySelector("[data-testid=roles-error]")!.TextContent);
    }

    [Fact]
    public void EditRolesSavesTheChosenRolesAndUpdatesTheRow()
    {
        SetRolesRequest? sent = null;
        Api.SetRoles = (_, request) =>
        {
            sent = request;
            return Task.FromResult(Bob with { Roles = request.Roles });
        };
        host = RenderPage<UsersPage>();

        Row(host, "bob@example.com").QuerySelector("button[aria-label='Change roles of bob@example.com']")!.Click();
        OpenDialog().QuerySelector(RoleBox("Auditor"))!.Change(true);
        OpenDialog().QuerySelector("[data-testid=roles-save]")!.Click();

        host.WaitForAssertion(() => Assert.Empty(host.FindAll(".mud-dialog")));
        Assert.Equal([Roles.Auditor, Roles.Approver, Roles.Developer], sent!.Roles);
        Assert.Contains("Auditor", Row(host, "bob@example.com").TextContent);
    }
}
