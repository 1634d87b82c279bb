using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Keys;

/// <summary>The keys feature of the API (api/v1/keys): requests, approvals, pick-up, the key policy and each key's life.</summary>
public interface IKeysApi
{
    /// <summary>The scopes a key may be requested with, each with its risk.</summary>
    Task<List<RequestableScope>> GetRequestableScopesAsync(CancellationToken ct = default);

    /// <summary>The admins' key policy: the scope catalogue, auto-approval and maximum age per environment.</summary>
    Task<KeyPolicy> GetKeyPolicyAsync(CancellationToken ct = default);

    Task<KeyPolicy> SetKeyPolicyAsync(KeyPolicy policy, CancellationToken ct = default);

    Task<KeyRequestSummary> RequestKeyAsync(KeyRequestCreate request, CancellationToken ct = default);

    /// <summary>Every request for approvers, one's own otherwise; newest first.</summary>
    Task<List<KeyRequestSummary>> GetKeyRequestsAsync(string? status = null, CancellationToken ct = default);

    Task<KeyRequestSummary> DecideKeyRequestAsync(Guid id, bool approve, KeyRequestDecision decision, CancellationToken ct = default);

    /// <summary>The secret of an approved request, exactly once; afterwards the server answers 410 Gone.</summary>
    Task<ApiKeyIssued> PickUpRequestedKeyAsync(Guid requestId, CancellationToken ct = default);

    /// <summary>A key's waiting secret (after approval or rotation), exactly once; afterwards 410 Gone.</summary>
    Task<ApiKeyIssued> PickUpKeyAsync(Guid keyId, CancellationToken ct = default);

    /// <summary>One page of keys and the number matching in all: every key for keys:read, one's own otherwise.</summary>
    Task<KeyPage> GetKeysAsync(KeyListQuery query, CancellationToken ct = default);

    Task<ApiKeySummary> GetKeyAsync(Guid id, CancellationToken ct = default);

    /// <summary>Uses per minute over the last <paramref name="hours"/> hours (at most 720); minutes without use are absent.</summary>
    Task<List<KeyUsagePoint>> GetKeyUsageAsync(Guid id, int hours, CancellationToken ct = default);

    Task<KeyRotated> RotateKeyAsync(Guid id, RotateKeyRequest request, CancellationToken ct = default);

    /// <summary>Suspends a key (reversibly) with a reason; verify answers "disabled" until it is enabled.</summary>
    Task<ApiKeySummary> DisableKeyAsync(Guid id, DisableKeyRequest request, CancellationToken ct = default);

    Task<ApiKeySummary> EnableKeyAsync(Guid id, CancellationToken ct = default);

    Task<ApiKeySummary> RevokeKeyAsync(Guid id, RevokeKeyRequest request, CancellationToken ct = default);
}

public static class KeysApiExtensions
{
    /// <summary>
    /// Every matching key, read page by page: for short lists such as one person's own keys. A long list
    /// (everyone's keys) belongs in a paged table instead.
    /// </summary>
    public static async Task<List<ApiKeySummary>> GetAllKeysAsync(this IKeysApi api, KeyListQuery query, CancellationToken ct = default)
    {
        var all = new List<ApiKeySummary>();
        for (var page = 1; ; page++)
        {
            var found = await api.GetKeysAsync(query with { Page = page, PageSize = KeyListQuery.MaxPageSize }, ct);
            all.AddRange(found.Items);
            if (found.Items.Count == 0 || all.Count >= found.Total)
            {
                return all;
            }
        }
    }
}
