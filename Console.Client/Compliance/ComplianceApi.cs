using System.Net.Http.Headers;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Client.Compliance;

internal sealed class ComplianceApi(ConsoleApi api) : IComplianceApi
{
    private const string Base = "api/v1/compliance";

    public Task<ComplianceOverview> GetComplianceOverviewAsync(int days, CancellationToken ct = default) =>
        api.GetAsync<ComplianceOverview>($"{Base}?days={days}", ct);

    public Task<FrameworkDetail> GetComplianceFrameworkAsync(string id, int days, CancellationToken ct = default) =>
        api.GetAsync<FrameworkDetail>($"{Base}/frameworks/{Uri.EscapeDataString(id)}?days={days}", ct);

    public Task<RequirementDetail> GetComplianceRequirementAsync(string framework, string requirement, CancellationToken ct = default) =>
        api.GetAsync<RequirementDetail>($"{Base}/frameworks/{Uri.EscapeDataString(framework)}/requirements/{Uri.EscapeDataString(requirement)}", ct);

    public Task<ControlView> GetComplianceControlAsync(string id, CancellationToken ct = default) =>
        api.GetAsync<ControlView>($"{Base}/controls/{Uri.EscapeDataString(id)}", ct);

    public Task<ControlRecords> GetControlRecordsAsync(string id, CancellationToken ct = default) =>
        api.GetAsync<ControlRecords>($"{Base}/controls/{Uri.EscapeDataString(id)}/records", ct);

    public Task<ControlEffectiveness> GetControlEffectivenessAsync(string id, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) =>
        api.GetAsync<ControlEffectiveness>(
            $"{Base}/controls/{Uri.EscapeDataString(id)}/effectiveness?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}", ct);

    public Task<AttestationView> AttestAsync(string control, AttestRequest request, CancellationToken ct = default) =>
        api.SendAsync<AttestationView>(HttpMethod.Post, $"{Base}/controls/{Uri.EscapeDataString(control)}/attestations", request, ct);

    public Task<ExceptionView> RequestExceptionAsync(ExceptionRequest request, CancellationToken ct = default) =>
        api.SendAsync<ExceptionView>(HttpMethod.Post, $"{Base}/exceptions", request, ct);

    public Task<ExceptionView> ApproveExceptionAsync(Guid id, CancellationToken ct = default) =>
        api.SendAsync<ExceptionView>(HttpMethod.Post, $"{Base}/exceptions/{id}/approve", null, ct);

    public Task<ExceptionView> RejectExceptionAsync(Guid id, RejectExceptionRequest request, CancellationToken ct = default) =>
        api.SendAsync<ExceptionView>(HttpMethod.Post, $"{Base}/exceptions/{id}/reject", request, ct);

    public Task<EvidenceFileView> AttachFileAsync(string owner, Guid id, string name, string contentType, byte[] content, CancellationToken ct = default)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        return api.SendContentAsync<EvidenceFileView>(HttpMethod.Post, $"{Base}/{owner}s/{id}/files?name={Uri.EscapeDataString(name)}", body, ct);
    }

    public Task<IReadOnlyList<AccessReviewSummary>> ListAccessReviewsAsync(CancellationToken ct = default) =>
        api.GetAsync<IReadOnlyList<AccessReviewSummary>>($"{Base}/access-reviews", ct);

    public Task<AccessReviewSummary> StartAccessReviewAsync(StartAccessReviewRequest request, CancellationToken ct = default) =>
        api.SendAsync<AccessReviewSummary>(HttpMethod.Post, $"{Base}/access-reviews", request, ct);

    public Task<AccessReviewDetail> GetAccessReviewAsync(Guid id, bool undecided, int page, int pageSize, CancellationToken ct = default) =>
        api.GetAsync<AccessReviewDetail>($"{Base}/access-reviews/{id}?undecided={(undecided ? "true" : "false")}&page={page}&pageSize={pageSize}", ct);

    public Task<AccessReviewItemView> DecideAccessReviewItemAsync(Guid review, long item, AccessReviewDecision decision, CancellationToken ct = default) =>
        api.SendAsync<AccessReviewItemView>(HttpMethod.Post, $"{Base}/access-reviews/{review}/items/{item}/decision", decision, ct);

    public Task<AccessReviewSummary> FinishAccessReviewAsync(Guid id, CancellationToken ct = default) =>
        api.SendAsync<AccessReviewSummary>(HttpMethod.Post, $"{Base}/access-reviews/{id}/finish", null, ct);
}
