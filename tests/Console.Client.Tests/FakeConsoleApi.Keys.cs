using SecurityConsole.Client.Keys;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Tests;

public sealed partial class FakeConsoleApi : IKeysApi
{
    public Func<Task<List<RequestableScope>>> Scopes { get; set; } = () => Task.FromResult(ScopeCatalog.All.ToList());
    public Func<Task<KeyPolicy>> KeyPolicy { get; set; } = () => Task.FromResult(SecurityConsole.Shared.Keys.KeyPolicy.Default);
    public Func<KeyPolicy, Task<KeyPolicy>> SetKeyPolicy { get; set; } = _ => NotSet<KeyPolicy>();
    public Func<KeyRequestCreate, Task<KeyRequestSummary>> RequestKey { get; set; } = _ => NotSet<KeyRequestSummary>();
    public Func<string?, Task<List<KeyRequestSummary>>> KeyRequests { get; set; } = _ => Task.FromResult(new List<KeyRequestSummary>());
    public Func<Guid, bool, KeyRequestDecision, Task<KeyRequestSummary>> DecideKeyRequest { get; set; } = (_, _, _) => NotSet<KeyRequestSummary>();
    public Func<Guid, Task<ApiKeyIssued>> PickUpRequest { get; set; } = _ => NotSet<ApiKeyIssued>();
    public Func<Guid, Task<ApiKeyIssued>> PickUpKey { get; set; } = _ => NotSet<ApiKeyIssued>();
    public Func<string?, string?, Task<List<ApiKeySummary>>> Keys { get; set; } = (_, _) => Task.FromResult(new List<ApiKeySummary>());

    /// <summary>
    /// One page of keys. By default the list from <see cref="Keys"/>, filtered and paged in memory the way the server does
    /// (sorting is the server's: the order given is kept), so that a page renders what a server would send.
    /// </summary>
    public Func<KeyListQuery, Task<KeyPage>>? KeyPages { get; set; }
    public Func<Guid, Task<ApiKeySummary>> Key { get; set; } = _ => NotSet<ApiKeySummary>();
    public Func<Guid, int, Task<List<KeyUsagePoint>>> KeyUsage { get; set; } = (_, _) => Task.FromResult(new List<KeyUsagePoint>());
    public Func<Guid, RotateKeyRequest, Task<KeyRotated>> RotateKey { get; set; } = (_, _) => NotSet<KeyRotated>();
    public Func<Guid, RevokeKeyRequest, Task<ApiKeySummary>> RevokeKey { get; set; } = (_, _) => NotSet<ApiKeySummary>();
    public Func<Guid, DisableKeyRequest?, Task<ApiKeySummary>> SetKeyDisabled { get; set; } = (_, _) => NotSet<ApiKeySummary>();

    public List<KeyRequestCreate> KeyRequestsMade { get; } = [];
    public List<(Guid Id, bool Approve, KeyRequestDecision Decision)> Decisions { get; } = [];
    public List<string> PickUps { get; } = [];
    public List<KeyListQuery> KeyListings { get; } = [];
    public List<(Guid Id, int Hours)> UsageRequests { get; } = [];
    public List<(Guid Id, RotateKeyRequest Request)> Rotations { get; } = [];
    public List<(Guid Id, RevokeKeyRequest Request)> Revocations { get; } = [];
    public List<KeyPolicy> PoliciesSaved { get; } = [];
    public List<(Guid Id, DisableKeyRequest? Disable)> DisabledChanges { get; } = [];

    public Task<List<RequestableScope>> GetRequestableScopesAsync(CancellationToken ct = default) => Scopes();

    public Task<KeyPolicy> GetKeyPolicyAsync(CancellationToken ct = default) => KeyPolicy();

    public Task<KeyPolicy> SetKeyPolicyAsync(KeyPolicy policy, CancellationToken ct = default)
    {
        PoliciesSaved.Add(policy);
        return SetKeyPolicy(policy);
    }

    public Task<KeyRequestSummary> RequestKeyAsync(KeyRequestCreate request, CancellationToken ct = default)
    {
        KeyRequestsMade.Add(request);
        return RequestKey(request);
    }

    public Task<List<KeyRequestSummary>> GetKeyRequestsAsync(string? status = null, CancellationToken ct = default) => KeyRequests(status);

    public Task<KeyRequestSummary> DecideKeyRequestAsync(Guid id, bool approve, KeyRequestDecision decision, CancellationToken ct = default)
    {
        Decisions.Add((id, approve, decision));
        return DecideKeyRequest(id, approve, decision);
    }

    public Task<ApiKeyIssued> PickUpRequestedKeyAsync(Guid requestId, CancellationToken ct = default)
    {
        PickUps.Add($"request {requestId}");
        return PickUpRequest(requestId);
    }

    public Task<ApiKeyIssued> PickUpKeyAsync(Guid keyId, CancellationToken ct = default)
    {
        PickUps.Add($"key {keyId}");
        return PickUpKey(keyId);
    }

    public Task<KeyPage> GetKeysAsync(KeyListQuery query, CancellationToken ct = default)
    {
        KeyListings.Add(query);
        return KeyPages?.Invoke(query) ?? InMemoryPageAsync(query);
    }

    private async Task<KeyPage> InMemoryPageAsync(KeyListQuery q)
    {
        var matching = (await Keys(q.Status, q.Owner)).Where(k =>
            (q.Status is null || k.Status == q.Status) &&
            (q.Environment is null || k.Environment == q.Environment) &&
            (!q.Overdue || (k.RotationOverdue && k.Status is not (KeyStatuses.Revoked or KeyStatuses.Expired))) &&
            (q.Search is null || k.OwnerEmail.Contains(q.Search, StringComparison.OrdinalIgnoreCase)
                || (k.Service?.Contains(q.Search, StringComparison.OrdinalIgnoreCase) ?? false))).ToList();
        return new KeyPage([.. matching.Skip((q.Page - 1) * q.PageSize).Take(q.PageSize)], matching.Count, q.Page, q.PageSize);
    }

    public Task<ApiKeySummary> GetKeyAsync(Guid id, CancellationToken ct = default) => Key(id);

    public Task<List<KeyUsagePoint>> GetKeyUsageAsync(Guid id, int hours, CancellationToken ct = default)
    {
        UsageRequests.Add((id, hours));
        return KeyUsage(id, hours);
    }

    public Task<KeyRotated> RotateKeyAsync(Guid id, RotateKeyRequest request, CancellationToken ct = default)
    {
        Rotations.Add((id, request));
        return RotateKey(id, request);
    }

    public Task<ApiKeySummary> RevokeKeyAsync(Guid id, RevokeKeyRequest request, CancellationToken ct = default)
    {
        Revocations.Add((id, request));
        return RevokeKey(id, request);
    }

    public Task<ApiKeySummary> DisableKeyAsync(Guid id, DisableKeyRequest request, CancellationToken ct = default)
    {
        DisabledChanges.Add((id, request));
        return SetKeyDisabled(id, request);
    }

    public Task<ApiKeySummary> EnableKeyAsync(Guid id, CancellationToken ct = default)
    {
        DisabledChanges.Add((id, null));
        return SetKeyDisabled(id, null);
    }
}
