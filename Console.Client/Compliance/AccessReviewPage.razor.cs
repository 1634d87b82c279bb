using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Compliance;

/// <summary>One access review campaign: its items, confirmed or revoked one by one, and the finish.</summary>
public partial class AccessReviewPage
{
    private const int PageSize = 100;

    [Inject] private IComplianceApi Api { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    /// <summary>The campaign's id, from the address.</summary>
    [Parameter] public Guid Id { get; set; }

    private AccessReviewDetail? detail;
    private string? error;
    private string? actionError;
    private string reason = "";
    private string? userId;
    private bool mayManage;
    private bool busy;
    private bool undecidedOnly;
    private int page = 1;

    /// <summary>A user's roles as people read them ("Security analyst"); a key's scopes as they are.</summary>
    private static string Grants(AccessReviewItemView item, IEnumerable<string> grants) =>
        string.Join(", ", item.Kind == AccessReviewKinds.User ? grants.Select(Roles.DisplayName) : grants);

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        userId = user.UserId();
        mayManage = (await Authorization.AuthorizeAsync(user, Permissions.Policy(Permissions.ComplianceManage))).Succeeded;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        try
        {
            detail = await Api.GetAccessReviewAsync(Id, undecidedOnly, page, PageSize);
            error = null;
        }
        catch (ApiException ex)
        {
            error = ex.Status == System.Net.HttpStatusCode.NotFound ? "There is no such access review." : $"The access review could not be loaded: {ex.Message}";
        }
    }

    private async Task ShowUndecidedAsync(bool value)
    {
        undecidedOnly = value;
        page = 1;
        await LoadAsync();
    }

    private async Task GoToAsync(int selected)
    {
        page = selected;
        await LoadAsync();
    }

    private Task DecideAsync(AccessReviewItemView item, string decision) => ActAsync(() =>
        Api.DecideAccessReviewItemAsync(Id, item.Id, new AccessReviewDecision(decision, null, decision == AccessReviewDecisions.Revoke ? reason.Trim() : null)));

    private Task FinishAsync() => ActAsync(() => Api.FinishAccessReviewAsync(Id));

    private async Task ActAsync(Func<Task> action)
    {
        busy = true;
        actionError = null;
        try
        {
            await action();
            await LoadAsync();
        }
        catch (ApiException ex)
        {
            actionError = ex.Message;
        }
        finally
        {
            busy = false;
        }
    }
}
