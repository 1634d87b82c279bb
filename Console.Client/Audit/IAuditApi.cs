using SecurityConsole.Shared.Audit;
// The page of the trail, not the Audit page of this folder.
using TrailPage = SecurityConsole.Shared.Audit.AuditPage;

namespace SecurityConsole.Client.Audit;

/// <summary>The audit feature of the API (api/v1/audit): the trail, its chain, retention, legal hold and erasure.</summary>
public interface IAuditApi
{
    Task<TrailPage> SearchAuditAsync(AuditSearchQuery query, CancellationToken ct = default);

    /// <summary>One entry in full; <paramref name="reveal"/> (needs pii:read) shows personal data unmasked and is itself audited.</summary>
    Task<AuditEntryView> GetAuditEntryAsync(long sequence, bool reveal = false, CancellationToken ct = default);

    Task<ChainStatus> GetAuditChainAsync(CancellationToken ct = default);

    Task<VerifyResult> VerifyAuditAsync(VerifyRequest request, CancellationToken ct = default);

    Task<RetentionPolicy> GetAuditRetentionAsync(CancellationToken ct = default);

    Task<RetentionPolicy> SetAuditRetentionAsync(SetRetentionRequest request, CancellationToken ct = default);

    Task<LegalHoldView> PlaceLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default);

    Task LiftLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default);

    Task<ErasureResult> EraseAuditSubjectAsync(ErasureRequest request, CancellationToken ct = default);
}
