using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.AspNetCore.Components;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Shared;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Client.Reports;

/// <summary>
/// Writes a custom template: every pause in typing checks the source (problems with line and column) and renders a
/// preview against live data in a sandboxed frame; the Changes tab diffs the text against the saved version; the
/// Versions tab publishes a draft or an older version again (a roll-back), with the note as the audited reason.
/// </summary>
public partial class TemplateEditorPage
{
    [Inject] private IReportsApi Api { get; set; } = null!;

    [Inject] private NavigationManager Navigation { get; set; } = null!;

    /// <summary>The template's id from the address; none for a new template.</summary>
    [Parameter] public Guid? Id { get; set; }

    private TemplateView? template;
    private string name = "";
    private string type = ReportTypes.AuditExtract;
    private string source = Starter(ReportTypes.AuditExtract);
    private string saved = "";
    private string? note;
    private TemplateValidation? validation;
    private string? previewHtml;
    private string? previewError;
    private string? loadError;
    private string? message;
    private bool messageIsError;
    private bool busy;
    private int tab;
    private List<DiffPiece> diff = [];
    private readonly FieldErrors errors = new();
    private int refreshes;

    private bool Changed => source != saved;

    private string SavedState => template?.Versions.FirstOrDefault(v => v.Version == template.LatestVersion)?.State ?? "";

    private string DiffSummary => Changed ? $"+{diff.Count(d => d.Type == ChangeType.Inserted)} −{diff.Count(d => d.Type == ChangeType.Deleted)}" : "none";

    protected override async Task OnParametersSetAsync()
    {
        if (Id is null)
        {
            await RefreshAsync();
        }
        else
        {
            await LoadAsync();
        }
    }

    /// <summary>A new template starts from something that passes validation, so the preview shows data at once.</summary>
    internal static string Starter(string type)
    {
        var count = type switch
        {
            ReportTypes.SecuritySummary => "summary.alert_count",
            ReportTypes.KeyInventory => "keys.key_count",
            ReportTypes.AlertTriage => "triage.open_count",
            ReportTypes.AccessReview => "access.user_count",
            _ => "audit.entry_count",
        };
        return $"<h1>{{{{ report.title }}}}</h1>\n<p>{{{{ report.from | date: \"%Y-%m-%d\" }}}} to {{{{ report.to | date: \"%Y-%m-%d\" }}}}</p>\n<p>Count: {{{{ {count} }}}}</p>\n";
    }

    private async Task LoadAsync()
    {
        loadError = null;
        try
        {
            template = await Api.GetReportTemplateAsync(Id!.Value);
            type = template.Type;
            saved = source = template.Versions.FirstOrDefault(v => v.Version == template.LatestVersion)?.Source ?? "";
            await RefreshAsync();
        }
        catch (ApiException ex)
        {
            loadError = ex.Status == System.Net.HttpStatusCode.NotFound ? "There is no such template." : $"The template could not be loaded: {ex.Message}";
        }
    }

    private async Task TypeChangedAsync(string value)
    {
        if (source == Starter(type))
        {
            source = Starter(value);
        }
        type = value;
        await RefreshAsync();
    }

    private async Task SourceChangedAsync(string value)
    {
        source = value ?? "";
        await RefreshAsync();
    }

    /// <summary>Checks and renders the current text; an answer to an older text that arrives late is dropped.</summary>
    private async Task RefreshAsync()
    {
        var mine = ++refreshes;
        diff = InlineDiffBuilder.Diff(saved, source, ignoreWhiteSpace: false).Lines.ToList();
        errors.Clear("source");
        if (string.IsNullOrWhiteSpace(source) || source.Length > TemplateLimits.MaxSourceLength)
        {
            validation = new TemplateValidation(false, [new TemplateProblem(string.IsNullOrWhiteSpace(source) ? "The template is empty." : $"The template is longer than {TemplateLimits.MaxSourceLength:N0} characters.", null, null)]);
            return;
        }
        try
        {
            var checkedSource = await Api.ValidateReportTemplateAsync(new ValidateTemplateRequest(type, source));
            if (mine != refreshes)
            {
                return;
            }
            validation = checkedSource;
            if (!checkedSource.Valid)
            {
                return;
            }
            previewError = null;
            var html = await Api.PreviewReportTemplateAsync(new PreviewTemplateRequest(type, source, new Dictionary<string, string> { ["period"] = ReportPeriods.Last30Days }));
            if (mine == refreshes)
            {
                previewHtml = html;
            }
        }
        catch (ApiException ex) when (mine == refreshes)
        {
            previewError = $"The preview could not be made: {ex.Message}";
        }
    }

    private async Task SaveAsync()
    {
        busy = true;
        errors.Clear();
        try
        {
            if (template is null)
            {
                var created = await Api.CreateReportTemplateAsync(new CreateTemplateRequest(name, type, source, note));
                Say("Saved as draft v1.", false);
                Navigation.NavigateTo($"reports/templates/{created.Id}");
                return;
            }
            template = await Api.SaveReportDraftAsync(template.Id, new SaveDraftRequest(source, note));
            saved = source;
            diff = [];
            Say($"Saved as draft v{template.LatestVersion}.", false);
        }
        catch (ApiException ex)
        {
            errors.Set(ex);
            Say(errors.Except("name", "source") ?? "The template was not saved; see the fields marked.", true);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task PublishAsync(int version)
    {
        if (string.IsNullOrWhiteSpace(note))
        {
            Say("Say why in the note field first: the reason is kept in the audit trail.", true);
            return;
        }
        busy = true;
        try
        {
            template = await Api.PublishReportTemplateAsync(template!.Id, new PublishTemplateRequest(version, note));
            Say($"v{version} is now the published version.", false);
        }
        catch (ApiException ex)
        {
            Say($"v{version} was not published: {ex.Message}", true);
        }
        finally
        {
            busy = false;
        }
    }

    private void Say(string text, bool isError)
    {
        message = text;
        messageIsError = isError;
    }

    private static string DiffClass(ChangeType kind) => kind switch
    {
        ChangeType.Inserted => "mud-success-text",
        ChangeType.Deleted => "mud-error-text",
        _ => "",
    };

    private static string DiffMark(ChangeType kind) => kind switch
    {
        ChangeType.Inserted => "+",
        ChangeType.Deleted => "−",
        _ => " ",
    };
}
