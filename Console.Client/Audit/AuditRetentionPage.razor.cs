using System.Net;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Shared;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Client.Audit;

/// <summary>Retention per category, the legal hold and erasure: each change validated here as on the server, and audited there.</summary>
public partial class AuditRetentionPage
{
    private RetentionPolicy? policy;
    private List<Row> rows = [];
    private string? error;
    private readonly FieldErrors fieldErrors = new();
    private readonly FieldErrors holdErrors = new();
    private string? holdReason;
    private bool holdBusy;
    private bool saving;

    [Inject] private IAuditApi Api { get; set; } = default!;

    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private bool Changed => rows.Any(r => r.Days != r.Saved);

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        error = null;
        try
        {
            Show(await Api.GetAuditRetentionAsync());
        }
        catch (ApiException ex)
        {
            policy = null;
            error = ex.Message;
        }
    }

    private void Show(RetentionPolicy loaded)
    {
        policy = loaded;
        rows = [.. loaded.Categories.Select(c => new Row(c.Category, c.Floors) { Days = c.Days, Saved = c.Days })];
    }

    private void Reset()
    {
        foreach (var row in rows)
        {
            row.Days = row.Saved;
        }
        fieldErrors.Clear();
    }

    private static string DaysField(int index) => $"categories[{index}].days";

    private string DaysField(Row row) => DaysField(rows.IndexOf(row));

    private async Task SaveAsync()
    {
        var request = new SetRetentionRequest([.. rows.Select(r => new RetentionSetting(r.Category, r.Days))]);
        var check = Validator.Run(request);
        fieldErrors.Set(check.Errors);
        if (!check.IsValid)
        {
            return;
        }
        saving = true;
        try
        {
            Show(await Api.SetAuditRetentionAsync(request));
            Snackbar.Add("Retention saved. The change is in the audit trail.", Severity.Success);
        }
        catch (ApiException ex)
        {
            fieldErrors.Set(ex);
        }
        finally
        {
            saving = false;
        }
    }

    private async Task ToggleHoldAsync()
    {
        var request = new LegalHoldRequest(holdReason ?? "");
        var check = Validator.Run(request);
        holdErrors.Set(check.Errors);
        if (!check.IsValid)
        {
            return;
        }
        var placing = policy!.LegalHold is null;
        holdBusy = true;
        try
        {
            if (placing)
            {
                await Api.PlaceLegalHoldAsync(request);
            }
            else
            {
                await Api.LiftLegalHoldAsync(request);
            }
            holdReason = null;
            Snackbar.Add(placing ? "Legal hold placed: retention deletes nothing until it is lifted." : "Legal hold lifted: retention applies again.",
                Severity.Success);
            await LoadAsync();
        }
        catch (ApiException ex) when (ex.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            Snackbar.Add(placing ? "Someone else placed a legal hold meanwhile; it is shown now." : "The hold had already been lifted.", Severity.Info);
            await LoadAsync();
        }
        catch (ApiException ex)
        {
            holdErrors.Set(ex);
        }
        finally
        {
            holdBusy = false;
        }
    }

    private sealed class Row(string category, IReadOnlyList<RetentionFloorView> floors)
    {
        public string Category { get; } = category;
        public IReadOnlyList<RetentionFloorView> Floors { get; } = floors;
        public int Days { get; set; }
        public int Saved { get; set; }
    }
}
