using SecurityConsole.Client.Reports;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Client.Tests;

public sealed partial class FakeConsoleApi : IReportsApi
{
    public Func<Task<List<ReportCatalogueItem>>> ReportCatalogue { get; set; } = NotSet<List<ReportCatalogueItem>>;
    public Func<RunReportRequest, Task<RunAccepted>> StartReport { get; set; } = _ => NotSet<RunAccepted>();
    public Func<Task<ReportRunPage>> ReportRuns { get; set; } = () => Task.FromResult(new ReportRunPage([]));
    public Func<Guid, Task<ReportRunView>> ReportRun { get; set; } = _ => NotSet<ReportRunView>();
    public Func<Guid, Task> CancelReportRun { get; set; } = _ => NotSet<object>();
    public Func<Guid, Task<ReportVerifyResult>> VerifyReport { get; set; } = _ => NotSet<ReportVerifyResult>();
    public Func<Task<List<TemplateView>>> ReportTemplates { get; set; } = NotSet<List<TemplateView>>;
    public Func<Guid, Task<TemplateView>> ReportTemplate { get; set; } = _ => NotSet<TemplateView>();
    public Func<CreateTemplateRequest, Task<TemplateView>> CreateReportTemplate { get; set; } = _ => NotSet<TemplateView>();
    public Func<Guid, SaveDraftRequest, Task<TemplateView>> SaveReportDraft { get; set; } = (_, _) => NotSet<TemplateView>();
    public Func<Guid, PublishTemplateRequest, Task<TemplateView>> PublishReportTemplate { get; set; } = (_, _) => NotSet<TemplateView>();
    public Func<ValidateTemplateRequest, Task<TemplateValidation>> ValidateReportTemplate { get; set; } = _ => Task.FromResult(new TemplateValidation(true, []));
    public Func<PreviewTemplateRequest, Task<string>> PreviewReportTemplate { get; set; } = r => Task.FromResult($"<p>preview of {r.Source.Length} characters</p>");
    public Func<Task<List<ScheduleView>>> ReportSchedules { get; set; } = NotSet<List<ScheduleView>>;
    public Func<Guid?, ScheduleRequest, Task<ScheduleView>> SaveReportSchedule { get; set; } = (_, _) => NotSet<ScheduleView>();
    public Func<Guid, Task> DeleteReportSchedule { get; set; } = _ => NotSet<object>();

    public List<RunReportRequest> StartedReports { get; } = [];
    public List<string> PreviewedSources { get; } = [];
    public List<(Guid? Id, ScheduleRequest Request)> SavedSchedules { get; } = [];

    public Task<List<ReportCatalogueItem>> GetReportCatalogueAsync(CancellationToken ct = default) => ReportCatalogue();

    public Task<RunAccepted> StartReportAsync(RunReportRequest request, CancellationToken ct = default)
    {
        StartedReports.Add(request);
        return StartReport(request);
    }

    public Task<ReportRunPage> GetReportRunsAsync(CancellationToken ct = default) => ReportRuns();

    public Task<ReportRunView> GetReportRunAsync(Guid id, CancellationToken ct = default) => ReportRun(id);

    public Task CancelReportRunAsync(Guid id, CancellationToken ct = default) => CancelReportRun(id);

    public Task<ReportVerifyResult> VerifyReportAsync(Guid id, CancellationToken ct = default) => VerifyReport(id);

    public Task<List<TemplateView>> GetReportTemplatesAsync(CancellationToken ct = default) => ReportTemplates();

    public Task<TemplateView> GetReportTemplateAsync(Guid id, CancellationToken ct = default) => ReportTemplate(id);

    public Task<TemplateView> CreateReportTemplateAsync(CreateTemplateRequest request, CancellationToken ct = default) => CreateReportTemplate(request);

    public Task<TemplateView> SaveReportDraftAsync(Guid id, SaveDraftRequest request, CancellationToken ct = default) => SaveReportDraft(id, request);

    public Task<TemplateView> PublishReportTemplateAsync(Guid id, PublishTemplateRequest request, CancellationToken ct = default) => PublishReportTemplate(id, request);

    public Task<TemplateDiff> DiffReportTemplateAsync(Guid id, int from, int to, CancellationToken ct = default) => NotSet<TemplateDiff>();

    public Task<TemplateValidation> ValidateReportTemplateAsync(ValidateTemplateRequest request, CancellationToken ct = default) => ValidateReportTemplate(request);

    public Task<string> PreviewReportTemplateAsync(PreviewTemplateRequest request, CancellationToken ct = default)
    {
        PreviewedSources.Add(request.Source);
        return PreviewReportTemplate(request);
    }

    public Task<List<ScheduleView>> GetReportSchedulesAsync(CancellationToken ct = default) => ReportSchedules();

    public Task<ScheduleView> SaveReportScheduleAsync(Guid? id, ScheduleRequest request, CancellationToken ct = default)
    {
        SavedSchedules.Add((id, request));
        return SaveReportSchedule(id, request);
    }

    public Task DeleteReportScheduleAsync(Guid id, CancellationToken ct = default) => DeleteReportSchedule(id);
}
