using MudBlazor;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Keys;

/// <summary>The key dialogs as one call each, so that every page opens them the same way.</summary>
public static class KeyDialogs
{
    /// <summary>Collects a waiting secret through the request or the key; true when it was shown.</summary>
    public static async Task<bool> PickUpAsync(this IDialogService dialogs, string service, Guid? requestId = null, Guid? keyId = null)
    {
        var dialog = await dialogs.ShowAsync<PickupDialog>($"Pick up the secret for {service}",
            new DialogParameters<PickupDialog> { { d => d.Service, service }, { d => d.RequestId, requestId }, { d => d.KeyId, keyId } },
            // Not closed by a stray click or Escape: the secret is on screen only once.
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false, CloseOnEscapeKey = false });
        return await dialog.Result is { Canceled: false, Data: true };
    }

    public static async Task<KeyRotated?> RotateAsync(this IDialogService dialogs, ApiKeySummary key, bool isOwner)
    {
        var dialog = await dialogs.ShowAsync<RotateDialog>($"Rotate {key.DisplayKey}",
            new DialogParameters<RotateDialog> { { d => d.Key, key }, { d => d.IsOwner, isOwner } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        return await dialog.Result is { Canceled: false, Data: KeyRotated rotated } ? rotated : null;
    }

    public static async Task<ApiKeySummary?> RevokeAsync(this IDialogService dialogs, ApiKeySummary key)
    {
        var dialog = await dialogs.ShowAsync<RevokeDialog>($"Revoke {key.DisplayKey}",
            new DialogParameters<RevokeDialog> { { d => d.Key, key } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false });
        return await dialog.Result is { Canceled: false, Data: ApiKeySummary revoked } ? revoked : null;
    }

    public static async Task<ApiKeySummary?> DisableAsync(this IDialogService dialogs, ApiKeySummary key)
    {
        var dialog = await dialogs.ShowAsync<DisableDialog>($"Disable {key.DisplayKey}",
            new DialogParameters<DisableDialog> { { d => d.Key, key } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        return await dialog.Result is { Canceled: false, Data: ApiKeySummary disabled } ? disabled : null;
    }

    public static async Task<KeyRequestSummary?> DecideAsync(this IDialogService dialogs, KeyRequestSummary request, bool approve,
        IReadOnlyList<RequestableScope>? catalogue)
    {
        var dialog = await dialogs.ShowAsync<DecisionDialog>($"{(approve ? "Approve" : "Reject")} the key for {request.Service}",
            new DialogParameters<DecisionDialog> { { d => d.Request, request }, { d => d.Approve, approve }, { d => d.Catalogue, catalogue } },
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        return await dialog.Result is { Canceled: false, Data: KeyRequestSummary decided } ? decided : null;
    }
}
