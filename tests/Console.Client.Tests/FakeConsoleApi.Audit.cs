using SecurityConsole.Client.Audit;
using SecurityConsole.Shared.Audit;
using TrailPage = SecurityConsole.Shared.Audit.AuditPage;

namespace SecurityConsole.Client.Tests;

public sealed partial class FakeConsoleApi : IAuditApi
{
    public Func<AuditSearchQuery, Task<TrailPage>> SearchAudit { get; set; } = _ => Task.FromResult(new TrailPage([], null, null));
    public Func<long, bool, Task<AuditEntryView>> AuditEntry { get; set; } = (_, _) => NotSet<AuditEntryView>();
    public Func<Task<ChainStatus>> AuditChain { get; set; } = NotSet<ChainStatus>;
    public Func<VerifyRequest, CancellationToken, Task<VerifyResult>> VerifyAudit { get; set; } = (_, _) => NotSet<VerifyResult>();
    public Func<Task<RetentionPolicy>> Retention { get; set; } = NotSet<RetentionPolicy>;
    public Func<SetRetentionRequest, Task<RetentionPolicy>> SetRetention { get; set; } = _ => NotSet<RetentionPolicy>();
    public Func<LegalHoldRequest, Task<LegalHoldView>> PlaceHold { get; set; } = _ => NotSet<LegalHoldView>();
    public Func<LegalHoldRequest, Task> LiftHold { get; set; } = _ => NotSet<object>();
    public Func<ErasureRequest, Task<ErasureResult>> Erase { get; set; } = _ => NotSet<ErasureResult>();

    public List<AuditSearchQuery> AuditSearches { get; } = [];
    public List<(long Sequence, bool Reveal)> AuditEntryRequests { get; } = [];
    public List<VerifyRequest> VerifyRequests { get; } = [];
    public List<LegalHoldRequest> HoldRequests { get; } = [];
    public List<ErasureRequest> ErasureRequests { get; } = [];

    public Task<TrailPage> SearchAuditAsync(AuditSearchQuery query, CancellationToken ct = default)
    {
        AuditSearches.Add(query);
        return SearchAudit(query);
    }

    public Task<AuditEntryView> GetAuditEntryAsync(long sequence, bool reveal = false, CancellationToken ct = default)
    {
        AuditEntryRequests.Add((sequence, reveal));
        return AuditEntry(sequence, reveal);
    }

    public Task<ChainStatus> GetAuditChainAsync(CancellationToken ct = default) => AuditChain();

    public Task<VerifyResult> VerifyAuditAsync(VerifyRequest request, CancellationToken ct = default)
    {
        VerifyRequests.Add(request);
        return VerifyAudit(request, ct);
    }

    public Task<RetentionPolicy> GetAuditRetentionAsync(CancellationToken ct = default) => Retention();

    public Task<RetentionPolicy> SetAuditRetentionAsync(SetRetentionRequest request, CancellationToken ct = default) => SetRetention(request);

    public Task<LegalHoldView> PlaceLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default)
    {
        HoldRequests.Add(request);
        return PlaceHold(request);
    }

    public Task LiftLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default)
    {
        HoldRequests.Add(request);
        return LiftHold(request);
    }

    public Task<ErasureResult> EraseAuditSubjectAsync(ErasureRequest request, CancellationToken ct = default)
    {
        ErasureRequests.Add(request);
        return Erase(request);
    }
}
