using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Compliance;

public partial class ControlRecordsPanel
{
    [Inject] private IComplianceApi Api { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;

    /// <summary>The control whose records are shown.</summary>
    [Parameter, EditorRequired] public string Control { get; set; } = "";

    /// <summary>Whether the control is attested by a person (then the attest form shows).</summary>
    [Parameter] public bool Manual { get; set; }

    /// <summary>Called after a change, so the page can reload the control's status.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    private ControlRecords? records;
    private string? error;
    private string? actionError;
    private bool busy;
    private bool mayAttest;
    private bool mayManage;
    private string? userId;
    private string statement = "";
    private int validDays = 365;
    private string reason = "";
    private string resources = "";
    private int exceptionDays = 90;
    private Guid? rejecting;
    private string rejectReason = "";

    protected override async Task OnInitializedAsync()
    {
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        userId = user.UserId();
        mayAttest = (await Authorization.AuthorizeAsync(user, Permissions.Policy(Permissions.ComplianceAttest))).Succeeded;
        mayManage = (await Authorization.AuthorizeAsync(user, Permissions.Policy(Permissions.ComplianceManage))).Succeeded;
        await LoadAsync();
    }

    /// <summary>Reloads the records (after a live change of the control, for example).</summary>
    public async Task LoadAsync()
    {
        try
        {
            records = await Api.GetControlRecordsAsync(Control);
            error = null;
        }
        catch (ApiException ex)
        {
            error = $"Attestations and exceptions could not be loaded: {ex.Message}";
        }
        StateHasChanged();
    }

    private Task AttestAsync() => ActAsync(async () =>
    {
        await Api.AttestAsync(Control, new AttestRequest(statement.Trim(), validDays));
        statement = "";
    });

    private Task RequestAsync() => ActAsync(async () =>
    {
        var ids = resources.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        await Api.RequestExceptionAsync(new ExceptionRequest(Control, ids.Length == 0 ? null : ids, reason.Trim(), DateTimeOffset.UtcNow.AddDays(exceptionDays)));
        reason = "";
        resources = "";
    });

    private Task ApproveAsync(Guid id) => ActAsync(() => Api.ApproveExceptionAsync(id));

    private void StartReject(Guid id)
    {
        rejecting = id;
        rejectReason = "";
    }

    private Task RejectAsync(Guid id) => ActAsync(async () =>
    {
        await Api.RejectExceptionAsync(id, new RejectExceptionRequest(rejectReason.Trim()));
        rejecting = null;
        rejectReason = "";
    });

    private async Task ActAsync(Func<Task> action)
    {
        busy = true;
        actionError = null;
        try
        {
            await action();
            await LoadAsync();
            await Changed.InvokeAsync();
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

    private static string ExceptionLabel(ExceptionView e) => e.Status switch
    {
        "approved" => "Excepted",
        "pending" => "Pending approval",
        "expired" => "Expired",
        "rejected" => "Rejected",
        _ => e.Status,
    };
}
