using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Keys;

internal sealed class KeysApi(ConsoleApi api) : IKeysApi
{
    public Task<List<RequestableScope>> GetRequestableScopesAsync(CancellationToken ct = default) =>
        api.GetAsync<List<RequestableScope>>("api/v1/keys/scopes", ct);

    public Task<KeyPolicy> GetKeyPolicyAsync(CancellationToken ct = default) => api.GetAsync<KeyPolicy>("api/v1/keys/policy", ct);

    public Task<KeyPolicy> SetKeyPolicyAsync(KeyPolicy policy, CancellationToken ct = default) =>
        api.SendAsync<KeyPolicy>(HttpMethod.Put, "api/v1/keys/policy", policy, ct);

    public Task<KeyRequestSummary> RequestKeyAsync(KeyRequestCreate request, CancellationToken ct = default) =>
        api.SendAsync<KeyRequestSummary>(HttpMethod.Post, "api/v1/key-requests", request, ct);

    public Task<List<KeyRequestSummary>> GetKeyRequestsAsync(string? status = null, CancellationToken ct = default) =>
        api.GetAsync<List<KeyRequestSummary>>("api/v1/key-requests" + ConsoleApi.Query(("status", status)), ct);

    public Task<KeyRequestSummary> DecideKeyRequestAsync(Guid id, bool approve, KeyRequestDecision decision, CancellationToken ct = default) =>
        api.SendAsync<KeyRequestSummary>(HttpMethod.Post, $"api/v1/key-requests/{id}/{(approve ? "approve" : "reject")}", decision, ct);

    public Task<ApiKeyIssued> PickUpRequestedKeyAsync(Guid requestId, CancellationToken ct = default) =>
        api.SendAsync<ApiKeyIssued>(HttpMethod.Post, $"api/v1/key-requests/{requestId}/pickup", null, ct);

    public Task<ApiKeyIssued> PickUpKeyAsync(Guid keyId, CancellationToken ct = default) =>
        api.SendAsync<ApiKeyIssued>(HttpMethod.Post, $"api/v1/keys/{keyId}/pickup", null, ct);

    public Task<KeyPage> GetKeysAsync(KeyListQuery query, CancellationToken ct = default) =>
        api.GetAsync<KeyPage>("api/v1/keys" + query.ToQueryString(), ct);

    public Task<ApiKeySummary> GetKeyAsync(Guid id, CancellationToken ct = default) => api.GetAsync<ApiKeySummary>($"api/v1/keys/{id}", ct);

    public Task<List<KeyUsagePoint>> GetKeyUsageAsync(Guid id, int hours, CancellationToken ct = default) =>
        api.GetAsync<List<KeyUsagePoint>>($"api/v1/keys/{id}/usage?hours={hours}", ct);

    public Task<KeyRotated> RotateKeyAsync(Guid id, RotateKeyRequest request, CancellationToken ct = default) =>
        api.SendAsync<KeyRotated>(HttpMethod.Post, $"api/v1/keys/{id}/rotate", request, ct);

    public Task<ApiKeySummary> DisableKeyAsync(Guid id, DisableKeyRequest request, CancellationToken ct = default) =>
        api.SendAsync<ApiKeySummary>(HttpMethod.Post, $"api/v1/keys/{id}/disable", request, ct);

    public Task<ApiKeySummary> EnableKeyAsync(Guid id, CancellationToken ct = default) =>
        api.SendAsync<ApiKeySummary>(HttpMethod.Post, $"api/v1/keys/{id}/enable", null, ct);

    public Task<ApiKeySummary> RevokeKeyAsync(Guid id, RevokeKeyRequest request, CancellationToken ct = default) =>
        api.SendAsync<ApiKeySummary>(HttpMethod.Post, $"api/v1/keys/{id}/revoke", request, ct);
}
