using Microsoft.AspNetCore.Components;
using MudBlazor;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Admin;

/// <summary>People, their roles and the open invitations; changes go through dialogs and are confirmed first.</summary>
public partial class UsersPage
{
    private List<UserSummary>? users;
    private List<InvitationSummary>? invitations;
    private List<RoleInfo>? roles;
    private string? error;

    [Inject] private IUsersApi Api { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        error = null;
        users = null;
        invitations = null;
        try
        {
            var usersTask = Api.GetUsersAsync();
            var invitationsTask = Api.GetInvitationsAsync();
            var rolesTask = Api.GetRolesAsync();
            users = await usersTask;
            invitations = await invitationsTask;
            roles = await rolesTask;
        }
        catch (ApiException ex)
        {
            users = null;
            invitations = null;
            error = ex.Message;
        }
    }

    private async Task InviteAsync()
    {
        var dialog = await Dialogs.ShowAsync<InviteUserDialog>("Invite a user",
            new DialogParameters<InviteUserDialog> { { d => d.Roles, roles! } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            await ReloadInvitationsAsync();
        }
    }

    private async Task EditRolesAsync(UserSummary user)
    {
        var dialog = await Dialogs.ShowAsync<EditRolesDialog>($"Roles of {user.Email}",
            new DialogParameters<EditRolesDialog> { { d => d.User, user }, { d => d.Roles, roles! } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: UserSummary updated })
        {
            Replace(updated);
            Snackbar.Add($"Roles of {updated.Email} saved.", Severity.Success);
        }
    }

    private async Task SetLockedAsync(UserSummary user, bool locked)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            locked ? $"Lock {user.Email}?" : $"Unlock {user.Email}?",
            locked
                ? "They are signed out everywhere and cannot sign in until someone unlocks them. Their audit history stays."
                : "They can sign in again with their password and second factor.",
            yesText: locked ? "Lock" : "Unlock", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            Replace(await Api.SetLockedAsync(user.Id, locked));
            Snackbar.Add(locked ? $"{user.Email} is locked." : $"{user.Email} is unlocked.", Severity.Success);
        }
        catch (ApiException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private async Task RevokeAsync(InvitationSummary invitation)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Revoke the invitation for {invitation.Email}?",
            "The link stops working at once. You can invite the person again later.", yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            await Api.RevokeInvitationAsync(invitation.Id);
            Snackbar.Add($"Invitation for {invitation.Email} revoked.", Severity.Success);
            await ReloadInvitationsAsync();
        }
        catch (ApiException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private async Task ReloadInvitationsAsync()
    {
        try
        {
            invitations = await Api.GetInvitationsAsync();
        }
        catch (ApiException ex)
        {
            Snackbar.Add(ex.Message, Severity.Error);
        }
    }

    private void Replace(UserSummary updated)
    {
        var index = users?.FindIndex(u => u.Id == updated.Id) ?? -1;
        if (index >= 0)
        {
            users![index] = updated;
        }
    }

    private static string Day(DateTimeOffset at) => SecurityConsole.Client.Shared.When.Day(at);
}
