using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Client.Compliance;

/// <summary>The compliance feature's calls (api/v1/compliance): reads, attestations, exceptions, evidence files, access reviews.</summary>
public interface IComplianceApi
{
    Task<ComplianceOverview> GetComplianceOverviewAsync(int days, CancellationToken ct = default);

    Task<FrameworkDetail> GetComplianceFrameworkAsync(string id, int days, CancellationToken ct = default);

    Task<RequirementDetail> GetComplianceRequirementAsync(string framework, string requirement, CancellationToken ct = default);

    Task<ControlView> GetComplianceControlAsync(string id, CancellationToken ct = default);

    Task<ControlRecords> GetControlRecordsAsync(string id, CancellationToken ct = default);

    Task<ControlEffectiveness> GetControlEffectivenessAsync(string id, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    Task<AttestationView> AttestAsync(string control, AttestRequest request, CancellationToken ct = default);

    Task<ExceptionView> RequestExceptionAsync(ExceptionRequest request, CancellationToken ct = default);

    Task<ExceptionView> ApproveExceptionAsync(Guid id, CancellationToken ct = default);

    Task<ExceptionView> RejectExceptionAsync(Guid id, RejectExceptionRequest request, CancellationToken ct = default);

    /// <summary>Attaches a file to an attestation ("attestation") or an exception ("exception").</summary>
    Task<EvidenceFileView> AttachFileAsync(string owner, Guid id, string name, string contentType, byte[] content, CancellationToken ct = default);

    Task<IReadOnlyList<AccessReviewSummary>> ListAccessReviewsAsync(CancellationToken ct = default);

    Task<AccessReviewSummary> StartAccessReviewAsync(StartAccessReviewRequest request, CancellationToken ct = default);

    Task<AccessReviewDetail> GetAccessReviewAsync(Guid id, bool undecided, int page, int pageSize, CancellationToken ct = default);

    Task<AccessReviewItemView> DecideAccessReviewItemAsync(Guid review, long item, AccessReviewDecision decision, CancellationToken ct = default);

    Task<AccessReviewSummary> FinishAccessReviewAsync(Guid id, CancellationToken ct = default);
}
