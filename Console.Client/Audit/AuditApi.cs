using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Audit;
// The page of the trail, not the Audit page of this folder.
using TrailPage = SecurityConsole.Shared.Audit.AuditPage;

namespace SecurityConsole.Client.Audit;

internal sealed class AuditApi(ConsoleApi api) : IAuditApi
{
    /// <summary>
    /// The export's address for a plain link: the browser sends the session cookie on a GET, and the
    /// server streams the file with its name. Paging positions are dropped: an export has every match.
    /// </summary>
    public static string ExportUrl(AuditSearchQuery query, string format)
    {
        var filters = (query with { Before = null, After = null, Limit = AuditSearchQuery.DefaultLimit }).ToQueryString();
        return $"api/v1/audit/export?format={Uri.EscapeDataString(format)}{(filters.Length > 0 ? "&" + filters[1..] : "")}";
    }

    public Task<TrailPage> SearchAuditAsync(AuditSearchQuery query, CancellationToken ct = default) =>
        api.GetAsync<TrailPage>("api/v1/audit" + query.ToQueryString(), ct);

    public Task<AuditEntryView> GetAuditEntryAsync(long sequence, bool reveal = false, CancellationToken ct = default) =>
        api.GetAsync<AuditEntryView>($"api/v1/audit/{sequence}{(reveal ? "?reveal=true" : "")}", ct);

    public Task<ChainStatus> GetAuditChainAsync(CancellationToken ct = default) => api.GetAsync<ChainStatus>("api/v1/audit/chain", ct);

    public Task<VerifyResult> VerifyAuditAsync(VerifyRequest request, CancellationToken ct = default) =>
        api.SendAsync<VerifyResult>(HttpMethod.Post, "api/v1/audit/verify", request, ct);

    public Task<RetentionPolicy> GetAuditRetentionAsync(CancellationToken ct = default) =>
        api.GetAsync<RetentionPolicy>("api/v1/audit/retention", ct);

    public Task<RetentionPolicy> SetAuditRetentionAsync(SetRetentionRequest request, CancellationToken ct = default) =>
        api.SendAsync<RetentionPolicy>(HttpMethod.Put, "api/v1/audit/retention", request, ct);

    public Task<LegalHoldView> PlaceLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default) =>
        api.SendAsync<LegalHoldView>(HttpMethod.Post, "api/v1/audit/legal-hold", request, ct);

    public Task LiftLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default) =>
        api.SendAsync<object>(HttpMethod.Delete, "api/v1/audit/legal-hold", request, ct);

    public Task<ErasureResult> EraseAuditSubjectAsync(ErasureRequest request, CancellationToken ct = default) =>
        api.SendAsync<ErasureResult>(HttpMethod.Post, "api/v1/audit/erasure", request, ct);
}
