using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Client.Keys;

/// <summary>One key's facts, usage and history, with the acts its owner or a keys:write holder may take; reloads when a notice names it.</summary>
public partial class KeyDetailPage : IDisposable
{
    private ApiKeySummary? key;
    private IReadOnlyList<RequestableScope>? catalogue;
    private Task<IReadOnlyList<RequestableScope>?>? catalogueLoad;
    private KeyAuditHistory? history;
    private string? userId;
    private bool mayWrite;
    private bool mayReadAll;
    private string? error;
    private Guid? loadedFor;
    private IDisposable? notices;

    [Inject] private IKeysApi Api { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [Inject] private LiveConnection Live { get; set; } = default!;

    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    /// <summary>The key's id, from the address.</summary>
    [Parameter] public Guid Id { get; set; }

    private bool IsOwner => key is not null && key.OwnerUserId == userId;

    private bool MayChange => IsOwner || mayWrite;

    /// <summary>Back to the list this person works from.</summary>
    private string BackLink => mayReadAll && !IsOwner ? "keys/all" : "keys";

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        userId = user.UserId();
        mayWrite = (await Authorization.AuthorizeAsync(user, PolicyNames.KeysWrite)).Succeeded;
        mayReadAll = mayWrite || (await Authorization.AuthorizeAsync(user, PolicyNames.KeysRead)).Succeeded;
        notices = Live.On<KeyNotice>(nameof(IConsoleClient.KeyNotice), notice =>
            notice.KeyId == Id ? InvokeAsync(LoadAsync) : Task.CompletedTask);
        // Only for colours: fetched beside the key, not before it.
        catalogueLoad = KeyCatalogue.LoadAsync(Api);
    }

    protected override async Task OnParametersSetAsync()
    {
        if (loadedFor != Id)
        {
            loadedFor = Id;
            key = null;
            await LoadAsync();
        }
    }

    private async Task LoadAsync()
    {
        error = null;
        try
        {
            key = await Api.GetKeyAsync(Id);
            catalogue ??= catalogueLoad is null ? null : await catalogueLoad;
        }
        catch (ApiException ex)
        {
            key = null;
            error = KeysText.Describe(ex);
        }
        StateHasChanged();
    }

    private async Task ReloadAllAsync()
    {
        await LoadAsync();
        if (history is not null)
        {
            await history.ReloadAsync();
        }
    }

    private async Task PickUpAsync()
    {
        await Dialogs.PickUpAsync(key!.Service ?? key.Name, keyId: key.Id);
        await ReloadAllAsync();
    }

    private async Task RotateAsync()
    {
        if (await Dialogs.RotateAsync(key!, IsOwner) is not { } rotated)
        {
            return;
        }
        var owner = IsOwner;
        Snackbar.Add(
            $"Rotated. The new key is {rotated.SuccessorDisplayKey}; this one works until {KeysText.Time(rotated.PreviousKeyExpiresAt)}. " +
            (owner ? "Pick up the new secret now." : $"{key!.OwnerEmail} picks up the new secret."),
            Severity.Success, o =>
            {
                o.Action = "Open";
                o.OnClick = _ =>
                {
                    Navigation.NavigateTo($"keys/{rotated.SuccessorId}");
                    return Task.CompletedTask;
                };
            });
        await ReloadAllAsync();
    }

    private async Task DisableAsync()
    {
        if (await Dialogs.DisableAsync(key!) is { } disabled)
        {
            Snackbar.Add($"{disabled.DisplayKey} is disabled. Enable it again when the reason is gone.", Severity.Success);
            await ReloadAllAsync();
        }
    }

    private async Task EnableAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync($"Enable {key!.DisplayKey}?",
            "Calls made with this key work again at once, on every node.", yesText: "Enable", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            var enabled = await Api.EnableKeyAsync(key.Id);
            Snackbar.Add($"{enabled.DisplayKey} works again.", Severity.Success);
            await ReloadAllAsync();
        }
        catch (ApiException ex)
        {
            Snackbar.Add(KeysText.Describe(ex), Severity.Error);
        }
    }

    private async Task RevokeAsync()
    {
        if (await Dialogs.RevokeAsync(key!) is { } revoked)
        {
            Snackbar.Add($"{revoked.DisplayKey} is revoked. Every verification fails from now on.", Severity.Success);
            await ReloadAllAsync();
        }
    }

    public void Dispose() => notices?.Dispose();
}
