using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Client.Reports;

/// <summary>The reports feature (api/v1/reports): the catalogue, runs, custom templates and schedules.</summary>
public interface IReportsApi
{
    Task<List<ReportCatalogueItem>> GetReportCatalogueAsync(CancellationToken ct = default);

    Task<RunAccepted> StartReportAsync(RunReportRequest request, CancellationToken ct = default);

    Task<ReportRunPage> GetReportRunsAsync(CancellationToken ct = default);

    Task<ReportRunView> GetReportRunAsync(Guid id, CancellationToken ct = default);

    Task CancelReportRunAsync(Guid id, CancellationToken ct = default);

    Task<ReportVerifyResult> VerifyReportAsync(Guid id, CancellationToken ct = default);

    Task<List<TemplateView>> GetReportTemplatesAsync(CancellationToken ct = default);

    Task<TemplateView> GetReportTemplateAsync(Guid id, CancellationToken ct = default);

    Task<TemplateView> CreateReportTemplateAsync(CreateTemplateRequest request, CancellationToken ct = default);

    Task<TemplateView> SaveReportDraftAsync(Guid id, SaveDraftRequest request, CancellationToken ct = default);

    Task<TemplateView> PublishReportTemplateAsync(Guid id, PublishTemplateRequest request, CancellationToken ct = default);

    Task<TemplateDiff> DiffReportTemplateAsync(Guid id, int from, int to, CancellationToken ct = default);

    Task<TemplateValidation> ValidateReportTemplateAsync(ValidateTemplateRequest request, CancellationToken ct = default);

    Task<string> PreviewReportTemplateAsync(PreviewTemplateRequest request, CancellationToken ct = default);

    Task<List<ScheduleView>> GetReportSchedulesAsync(CancellationToken ct = default);

    Task<ScheduleView> SaveReportScheduleAsync(Guid? id, ScheduleRequest request, CancellationToken ct = default);

    Task DeleteReportScheduleAsync(Guid id, CancellationToken ct = default);
}
