using System.Net;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Realtime;

namespace SecurityConsole.Client.Alerts;

/// <summary>One alert's investigation, kept live: a newer version from the hub replaces the one shown.</summary>
public partial class AlertDetailView : IDisposable
{
    private AlertView? shown;
    private AlertDetail? detail;
    private List<AlertAssignee> assignees = [];
    private string? comment, note, commentError, error;
    private bool busy, notFound;
    private IDisposable? subscription;

    [Inject] private IAlertsApi Api { get; set; } = default!;

    [Inject] private LiveConnection Live { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The alert's id.</summary>
    [Parameter, EditorRequired] public long Id { get; set; }

    /// <summary>The alert as the caller already has it (a list row), shown at once; replaced by newer versions as they arrive.</summary>
    [Parameter] public AlertView? Alert { get; set; }

    /// <summary>Called with the alert after a triage action here succeeds.</summary>
    [Parameter] public EventCallback<AlertView> OnChanged { get; set; }

    /// <summary>Called whenever the alert shown changes: loaded, changed by someone else, or triaged here.</summary>
    [Parameter] public EventCallback<AlertView> OnShown { get; set; }

    protected override void OnParametersSet()
    {
        if (Alert is not null && (shown is null || Alert.Version > shown.Version))
        {
            shown = Alert;
        }
    }

    protected override async Task OnInitializedAsync()
    {
        subscription = Live.On<AlertView>(nameof(IConsoleClient.AlertChanged), a => InvokeAsync(() => OnLiveAsync(a)));
        var loadAssignees = LoadAssigneesAsync();
        await LoadAsync();
        await loadAssignees;
    }

    private async Task LoadAsync()
    {
        error = null;
        try
        {
            detail = await Api.GetAlertAsync(Id);
            await TakeAsync(detail.Alert);
        }
        catch (ApiException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            notFound = true;
        }
        catch (ApiException ex)
        {
            error = ex.Message;
            if (shown is not null)
            {
                Snackbar.Add(error, Severity.Error);
            }
        }
    }

    private async Task LoadAssigneesAsync()
    {
        try
        {
            assignees = await Api.GetAlertAssigneesAsync();
        }
        catch (ApiException)
        {
            // Without the list, assigning is not offered; everything else works.
        }
    }

    private async Task OnLiveAsync(AlertView alert)
    {
        if (alert.Id != Id || (shown is not null && alert.Version <= shown.Version))
        {
            return;
        }
        // New notes and new occurrences are in the detail, not in the alert: fetch it again.
        var more = shown is null || alert.NoteCount != shown.NoteCount || alert.Count != shown.Count;
        await TakeAsync(alert);
        if (more)
        {
            await LoadAsync();
        }
        StateHasChanged();
    }

    private async Task TakeAsync(AlertView alert)
    {
        if (shown is null || alert.Version >= shown.Version)
        {
            shown = alert;
            await OnShown.InvokeAsync(alert);
        }
    }

    /// <summary>An event that tipped the rule into one of the occurrences.</summary>
    private bool Tipped(SecurityEventView e) => detail?.Occurrences.Any(o => o.EventId == e.Id) == true;

    private static string Reason(SecurityEventView e) =>
        e.Attributes is { ValueKind: System.Text.Json.JsonValueKind.Object } a && a.TryGetProperty("reason", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String
            ? $" ({EventTypeNames.Reason(r.GetString()!)})" : "";

    private async Task ActAsync(string action)
    {
        commentError = null;
        if (action == "false-positive" && string.IsNullOrWhiteSpace(comment))
        {
            commentError = "Say why this is a false positive: the next analyst will read it.";
            return;
        }
        await RunAsync(async () =>
        {
            var updated = await Api.AlertActionAsync(Id, action, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim());
            comment = null;
            await ChangedAsync(updated);
            if (action != "acknowledge")
            {
                await LoadAsync();
            }
        });
    }

    private Task AssignAsync(string? userId) => RunAsync(async () => await ChangedAsync(await Api.AssignAlertAsync(Id, userId)));

    private Task AddNoteAsync() => RunAsync(async () =>
    {
        await Api.AddAlertNoteAsync(Id, note!.Trim());
        note = null;
        await LoadAsync();
        if (shown is not null)
        {
            await OnChanged.InvokeAsync(shown);
        }
    });

    private async Task ChangedAsync(AlertView updated)
    {
        await TakeAsync(updated);
        await OnChanged.InvokeAsync(updated);
    }

    private async Task RunAsync(Func<Task> action)
    {
        busy = true;
        try
        {
            await action();
        }
        catch (ApiException ex)
        {
            if (ex.Errors.TryGetValue("comment", out var messages))
            {
                commentError = string.Join(" ", messages);
            }
            else
            {
                Snackbar.Add(ex.Message, Severity.Error);
            }
        }
        busy = false;
    }

    public void Dispose() => subscription?.Dispose();
}
