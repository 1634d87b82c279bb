using Microsoft.AspNetCore.Components;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Shared;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Client.Reports;

/// <summary>The caller's schedules with their next runs, and an editor whose errors come back from the server by field.</summary>
public partial class SchedulesPage
{
    private static readonly string[] Shown =
        ["name", "template", "parameters.period", "cron", "timeZone", "delivery.webhookUrl", "delivery.webhookSecret", "delivery.emails"];

    [Inject] private IReportsApi Api { get; set; } = null!;

    private List<ScheduleView>? schedules;
    private List<ReportCatalogueItem>? catalogue;
    private string? error;
    private ScheduleForm? editing;
    private Guid? editingId;
    private bool saving;
    private readonly FieldErrors errors = new();

    private bool EmailError => EmailErrorText is not null;

    private string? EmailErrorText => errors.For("delivery.emails") ?? Enumerable.Range(0, 20).Select(i => errors.For($"delivery.emails[{i}]")).FirstOrDefault(m => m is not null);

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        error = null;
        try
        {
            catalogue = await Api.GetReportCatalogueAsync();
            schedules = await Api.GetReportSchedulesAsync();
        }
        catch (ApiException ex)
        {
            error = $"The schedules could not be loaded: {ex.Message}";
        }
    }

    private void New()
    {
        errors.Clear();
        editingId = null;
        editing = new ScheduleForm { Template = catalogue?.FirstOrDefault()?.Template ?? ReportTypes.SecuritySummary };
    }

    private void Edit(ScheduleView s)
    {
        errors.Clear();
        editingId = s.Id;
        editing = new ScheduleForm
        {
            Name = s.Name, Template = s.Template, Format = s.Format, Period = s.Parameters.GetValueOrDefault("period") ?? ReportPeriods.Last30Days,
            Cron = s.Cron, TimeZone = s.TimeZone, Emails = string.Join(", ", s.Delivery.Emails), WebhookUrl = s.Delivery.WebhookUrl, InApp = s.Delivery.InApp,
            SendIfEmpty = s.SendIfEmpty, Enabled = s.Enabled,
        };
    }

    private async Task SaveAsync()
    {
        saving = true;
        errors.Clear();
        try
        {
            await Api.SaveReportScheduleAsync(editingId, editing!.ToRequest());
            editing = null;
            schedules = await Api.GetReportSchedulesAsync();
        }
        catch (ApiException ex)
        {
            errors.Set(ex);
        }
        finally
        {
            saving = false;
        }
    }

    private async Task DeleteAsync(ScheduleView s)
    {
        try
        {
            await Api.DeleteReportScheduleAsync(s.Id);
            schedules = await Api.GetReportSchedulesAsync();
        }
        catch (ApiException ex)
        {
            error = $"“{s.Name}” was not deleted: {ex.Message}";
        }
    }

    private string Title(string template) => catalogue?.FirstOrDefault(c => c.Template == template)?.Title ?? template;

    private static string Delivery(ScheduleView s) => string.Join(" · ", new[]
    {
        s.Delivery.Emails.Count > 0 ? $"mail to {string.Join(", ", s.Delivery.Emails)}" : null,
        s.Delivery.WebhookUrl is { } url ? $"webhook {new Uri(url).Host}" : null,
        s.Delivery.InApp ? "in the console" : null,
        s.SendIfEmpty ? null : "only with data",
    }.Where(x => x is not null));

    /// <summary>What the editor holds, as text fields; <see cref="ToRequest"/> makes the API's request of it.</summary>
    internal sealed class ScheduleForm
    {
        public string Name { get; set; } = "";
        public string Template { get; set; } = ReportTypes.SecuritySummary;
        public string Format { get; set; } = ReportFormats.Pdf;
        public string Period { get; set; } = ReportPeriods.Last7Days;
        public string Cron { get; set; } = "0 6 * * 1";
        public string TimeZone { get; set; } = "UTC";
        public string? Emails { get; set; }
        public string? WebhookUrl { get; set; }
        public string? WebhookSecret { get; set; }
        public bool InApp { get; set; } = true;
        public bool SendIfEmpty { get; set; } = true;
        public bool Enabled { get; set; } = true;

        public ScheduleRequest ToRequest()
        {
            var emails = (Emails ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var webhook = string.IsNullOrWhiteSpace(WebhookUrl) ? null : WebhookUrl.Trim();
            return new ScheduleRequest(Name, Template, null, Format, new Dictionary<string, string> { ["period"] = Period }, Cron, TimeZone,
                new ScheduleDeliveryRequest(emails, webhook, webhook is null || string.IsNullOrEmpty(WebhookSecret) ? null : WebhookSecret, InApp),
                Enabled, SendIfEmpty);
        }
    }
}
