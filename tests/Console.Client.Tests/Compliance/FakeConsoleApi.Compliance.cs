using SecurityConsole.Client.Compliance;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Client.Tests;

public sealed partial class FakeConsoleApi : IComplianceApi
{
    public Func<int, Task<ComplianceOverview>> ComplianceOverview { get; set; } = _ => NotSet<ComplianceOverview>();
    public Func<string, Task<FrameworkDetail>> ComplianceFramework { get; set; } = _ => NotSet<FrameworkDetail>();
    public Func<string, string, Task<RequirementDetail>> ComplianceRequirement { get; set; } = (_, _) => NotSet<RequirementDetail>();
    public Func<string, Task<ControlView>> ComplianceControl { get; set; } = _ => NotSet<ControlView>();

    // A control page asks for these beside the control; by default a control has no records and no history.
    public Func<string, Task<ControlRecords>> ControlRecords { get; set; } = id => Task.FromResult(new ControlRecords(id, [], []));
    public Func<string, Task<ControlEffectiveness>> ControlEffectiveness { get; set; } = id => Task.FromResult(new ControlEffectiveness(
        id, id, DateTimeOffset.UtcNow.AddDays(-90), DateTimeOffset.UtcNow, 90, 0, 0, null, null, [], "Not evaluated in this period."));
    public Func<string, AttestRequest, Task<AttestationView>> Attest { get; set; } = (_, _) => NotSet<AttestationView>();
    public Func<ExceptionRequest, Task<ExceptionView>> RequestException { get; set; } = _ => NotSet<ExceptionView>();
    public Func<Guid, Task<ExceptionView>> ApproveException { get; set; } = _ => NotSet<ExceptionView>();
    public Func<Guid, RejectExceptionRequest, Task<ExceptionView>> RejectException { get; set; } = (_, _) => NotSet<ExceptionView>();
    public Func<string, Guid, string, string, byte[], Task<EvidenceFileView>> AttachFile { get; set; } = (_, _, _, _, _) => NotSet<EvidenceFileView>();
    public Func<Task<IReadOnlyList<AccessReviewSummary>>> AccessReviews { get; set; } = () => NotSet<IReadOnlyList<AccessReviewSummary>>();
    public Func<StartAccessReviewRequest, Task<AccessReviewSummary>> StartAccessReview { get; set; } = _ => NotSet<AccessReviewSummary>();
    public Func<Guid, bool, int, Task<AccessReviewDetail>> AccessReview { get; set; } = (_, _, _) => NotSet<AccessReviewDetail>();
    public Func<Guid, long, AccessReviewDecision, Task<AccessReviewItemView>> DecideAccessReviewItem { get; set; } = (_, _, _) => NotSet<AccessReviewItemView>();
    public Func<Guid, Task<AccessReviewSummary>> FinishAccessReview { get; set; } = _ => NotSet<AccessReviewSummary>();
    public List<int> OverviewRequests { get; } = [];

    public Task<ComplianceOverview> GetComplianceOverviewAsync(int days, CancellationToken ct = default)
    {
        OverviewRequests.Add(days);
        return ComplianceOverview(days);
    }

    public Task<FrameworkDetail> GetComplianceFrameworkAsync(string id, int days, CancellationToken ct = default) => ComplianceFramework(id);

    public Task<RequirementDetail> GetComplianceRequirementAsync(string framework, string requirement, CancellationToken ct = default) =>
        ComplianceRequirement(framework, requirement);

    public Task<ControlView> GetComplianceControlAsync(string id, CancellationToken ct = default) => ComplianceControl(id);

    public Task<ControlRecords> GetControlRecordsAsync(string id, CancellationToken ct = default) => ControlRecords(id);

    public Task<ControlEffectiveness> GetControlEffectivenessAsync(string id, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) => ControlEffectiveness(id);

    public Task<AttestationView> AttestAsync(string control, AttestRequest request, CancellationToken ct = default) => Attest(control, request);

    public Task<ExceptionView> RequestExceptionAsync(ExceptionRequest request, CancellationToken ct = default) => RequestException(request);

    public Task<ExceptionView> ApproveExceptionAsync(Guid id, CancellationToken ct = default) => ApproveException(id);

    public Task<ExceptionView> RejectExceptionAsync(Guid id, RejectExceptionRequest request, CancellationToken ct = default) => RejectException(id, request);

    public Task<EvidenceFileView> AttachFileAsync(string owner, Guid id, string name, string contentType, byte[] content, CancellationToken ct = default) =>
        AttachFile(owner, id, name, contentType, content);

    public Task<IReadOnlyList<AccessReviewSummary>> ListAccessReviewsAsync(CancellationToken ct = default) => AccessReviews();

    public Task<AccessReviewSummary> StartAccessReviewAsync(StartAccessReviewRequest request, CancellationToken ct = default) => StartAccessReview(request);

    public Task<AccessReviewDetail> GetAccessReviewAsync(Guid id, bool undecided, int page, int pageSize, CancellationToken ct = default) => AccessReview(id, undecided, page);

    public Task<AccessReviewItemView> DecideAccessReviewItemAsync(Guid review, long item, AccessReviewDecision decision, CancellationToken ct = default) =>
        DecideAccessReviewItem(review, item, decision);

    public Task<AccessReviewSummary> FinishAccessReviewAsync(Guid id, CancellationToken ct = default) => FinishAccessReview(id);
}
