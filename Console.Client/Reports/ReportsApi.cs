using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Client.Reports;

internal sealed class ReportsApi(ConsoleApi api) : IReportsApi
{
    private const string Base = "api/v1/reports";

    public Task<List<ReportCatalogueItem>> GetReportCatalogueAsync(CancellationToken ct = default) => api.GetAsync<List<ReportCatalogueItem>>($"{Base}/catalogue", ct);

    public Task<RunAccepted> StartReportAsync(RunReportRequest request, CancellationToken ct = default) =>
        api.SendAsync<RunAccepted>(HttpMethod.Post, $"{Base}/runs", request, ct);

    public Task<ReportRunPage> GetReportRunsAsync(CancellationToken ct = default) => api.GetAsync<ReportRunPage>($"{Base}/runs", ct);

    public Task<ReportRunView> GetReportRunAsync(Guid id, CancellationToken ct = default) => api.GetAsync<ReportRunView>($"{Base}/runs/{id}", ct);

    public Task CancelReportRunAsync(Guid id, CancellationToken ct = default) => api.SendAsync<object>(HttpMethod.Post, $"{Base}/runs/{id}/cancel", null, ct);

    public Task<ReportVerifyResult> VerifyReportAsync(Guid id, CancellationToken ct = default) => api.GetAsync<ReportVerifyResult>($"{Base}/runs/{id}/verify", ct);

    public Task<List<TemplateView>> GetReportTemplatesAsync(CancellationToken ct = default) => api.GetAsync<List<TemplateView>>($"{Base}/templates", ct);

    public Task<TemplateView> GetReportTemplateAsync(Guid id, CancellationToken ct = default) => api.GetAsync<TemplateView>($"{Base}/templates/{id}", ct);

    public Task<TemplateView> CreateReportTemplateAsync(CreateTemplateRequest request, CancellationToken ct = default) =>
        api.SendAsync<TemplateView>(HttpMethod.Post, $"{Base}/templates", request, ct);

    public Task<TemplateView> SaveReportDraftAsync(Guid id, SaveDraftRequest request, CancellationToken ct = default) =>
        api.SendAsync<TemplateView>(HttpMethod.Post, $"{Base}/templates/{id}/versions", request, ct);

    public Task<TemplateView> PublishReportTemplateAsync(Guid id, PublishTemplateRequest request, CancellationToken ct = default) =>
        api.SendAsync<TemplateView>(HttpMethod.Post, $"{Base}/templates/{id}/publish", request, ct);

    public Task<TemplateDiff> DiffReportTemplateAsync(Guid id, int from, int to, CancellationToken ct = default) =>
        api.GetAsync<TemplateDiff>($"{Base}/templates/{id}/diff?from={from}&to={to}", ct);

    public Task<TemplateValidation> ValidateReportTemplateAsync(ValidateTemplateRequest request, CancellationToken ct = default) =>
        api.SendAsync<TemplateValidation>(HttpMethod.Post, $"{Base}/templates/validate", request, ct);

    public Task<string> PreviewReportTemplateAsync(PreviewTemplateRequest request, CancellationToken ct = default) =>
        api.SendForTextAsync(HttpMethod.Post, $"{Base}/templates/preview", request, ct);

    public Task<List<ScheduleView>> GetReportSchedulesAsync(CancellationToken ct = default) => api.GetAsync<List<ScheduleView>>($"{Base}/schedules", ct);

    public Task<ScheduleView> SaveReportScheduleAsync(Guid? id, ScheduleRequest request, CancellationToken ct = default) =>
        id is { } existing
            ? api.SendAsync<ScheduleView>(HttpMethod.Put, $"{Base}/schedules/{existing}", request, ct)
            : api.SendAsync<ScheduleView>(HttpMethod.Post, $"{Base}/schedules", request, ct);

    public Task DeleteReportScheduleAsync(Guid id, CancellationToken ct = default) => api.SendAsync<object>(HttpMethod.Delete, $"{Base}/schedules/{id}", null, ct);
}
