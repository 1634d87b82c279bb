using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Tests;

/// <summary>
/// The API as a test wants it: each call answers with what the test set. A call the test did not
/// expect fails loudly instead of reaching a network.
/// </summary>
public sealed partial class FakeConsoleApi() : ConsoleApi(new HttpClient(new NoNetwork()) { BaseAddress = new Uri("http://localhost/") })
{
    public Func<Task<DashboardSummary>> Dashboard { get; set; } = NotSet<DashboardSummary>;
    public Func<Task<List<UserSummary>>> Users { get; set; } = NotSet<List<UserSummary>>;
    public Func<Task<List<InvitationSummary>>> Invitations { get; set; } = () => Task.FromResult(new List<InvitationSummary>());
    public Func<Task<List<RoleInfo>>> Roles { get; set; } = () => Task.FromResult(RoleCatalog.Describe().ToList());
    public Func<InviteUserRequest, Task<InvitationCreated>> Invite { get; set; } = _ => NotSet<InvitationCreated>();
    public Func<string, bool, Task<UserSummary>> SetLocked { get; set; } = (_, _) => NotSet<UserSummary>();
    public Func<string, SetRolesRequest, Task<UserSummary>> SetRoles { get; set; } = (_, _) => NotSet<UserSummary>();

    public Func<AuditSearchQuery, Task<AuditPage>> SearchAudit { get; set; } = _ => Task.FromResult(new AuditPage([], null, null));
    public Func<long, bool, Task<AuditEntryView>> AuditEntry { get; set; } = (_, _) => NotSet<AuditEntryView>();
    public Func<Task<ChainStatus>> AuditChain { get; set; } = NotSet<ChainStatus>;
    public Func<VerifyRequest, CancellationToken, Task<VerifyResult>> VerifyAudit { get; set; } = (_, _) => NotSet<VerifyResult>();
    public Func<Task<RetentionPolicy>> Retention { get; set; } = NotSet<RetentionPolicy>;
    public Func<SetRetentionRequest, Task<RetentionPolicy>> SetRetention { get; set; } = _ => NotSet<RetentionPolicy>();
    public Func<LegalHoldRequest, Task<LegalHoldView>> PlaceHold { get; set; } = _ => NotSet<LegalHoldView>();
    public Func<LegalHoldRequest, Task> LiftHold { get; set; } = _ => NotSet<object>();
    public Func<ErasureRequest, Task<ErasureResult>> Erase { get; set; } = _ => NotSet<ErasureResult>();

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

    public List<AuditSearchQuery> AuditSearches { get; } = [];
    public List<(long Sequence, bool Reveal)> AuditEntryRequests { get; } = [];
    public List<VerifyRequest> VerifyRequests { get; } = [];
    public List<LegalHoldRequest> HoldRequests { get; } = [];
    public List<ErasureRequest> ErasureRequests { get; } = [];

    public List<InviteUserRequest> InviteRequests { get; } = [];
    public int DashboardCalls { get; private set; }

    public override Task<DashboardSummary> GetDashboardAsync(CancellationToken ct = default)
    {
        DashboardCalls++;
        return Dashboard();
    }

    public override Task<List<UserSummary>> GetUsersAsync(CancellationToken ct = default) => Users();

    public override Task<List<InvitationSummary>> GetInvitationsAsync(CancellationToken ct = default) => Invitations();

    public override Task<List<RoleInfo>> GetRolesAsync(CancellationToken ct = default) => Roles();

    public override Task<InvitationCreated> InviteAsync(InviteUserRequest request, CancellationToken ct = default)
    {
        InviteRequests.Add(request);
        return Invite(request);
    }

    public override Task<UserSummary> SetRolesAsync(string userId, SetRolesRequest request, CancellationToken ct = default) => SetRoles(userId, request);

    public override Task<UserSummary> SetLockedAsync(string userId, bool locked, CancellationToken ct = default) => SetLocked(userId, locked);

    public override Task<AuditPage> SearchAuditAsync(AuditSearchQuery query, CancellationToken ct = default)
    {
        AuditSearches.Add(query);
        return SearchAudit(query);
    }

    public override Task<AuditEntryView> GetAuditEntryAsync(long sequence, bool reveal = false, CancellationToken ct = default)
    {
        AuditEntryRequests.Add((sequence, reveal));
        return AuditEntry(sequence, reveal);
    }

    public override Task<ChainStatus> GetAuditChainAsync(CancellationToken ct = default) => AuditChain();

    public override Task<VerifyResult> VerifyAuditAsync(VerifyRequest request, CancellationToken ct = default)
    {
        VerifyRequests.Add(request);
        return VerifyAudit(request, ct);
    }

    public override Task<RetentionPolicy> GetAuditRetentionAsync(CancellationToken ct = default) => Retention();

    public override Task<RetentionPolicy> SetAuditRetentionAsync(SetRetentionRequest request, CancellationToken ct = default) => SetRetention(request);

    public override Task<LegalHoldView> PlaceLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default)
    {
        HoldRequests.Add(request);
        return PlaceHold(request);
    }

    public override Task LiftLegalHoldAsync(LegalHoldRequest request, CancellationToken ct = default)
    {
        HoldRequests.Add(request);
        return LiftHold(request);
    }

    public override Task<ErasureResult> EraseAuditSubjectAsync(ErasureRequest request, CancellationToken ct = default)
    {
        ErasureRequests.Add(request);
        return Erase(request);
    }

    public override Task<List<RequestableScope>> GetRequestableScopesAsync(CancellationToken ct = default) => Scopes();

    public override Task<KeyPolicy> GetKeyPolicyAsync(CancellationToken ct = default) => KeyPolicy();

    public override Task<KeyPolicy> SetKeyPolicyAsync(KeyPolicy policy, CancellationToken ct = default)
    {
        PoliciesSaved.Add(policy);
        return SetKeyPolicy(policy);
    }

    public override Task<KeyRequestSummary> RequestKeyAsync(KeyRequestCreate request, CancellationToken ct = default)
    {
        KeyRequestsMade.Add(request);
        return RequestKey(request);
    }

    public override Task<List<KeyRequestSummary>> GetKeyRequestsAsync(string? status = null, CancellationToken ct = default) => KeyRequests(status);

    public override Task<KeyRequestSummary> DecideKeyRequestAsync(Guid id, bool approve, KeyRequestDecision decision, CancellationToken ct = default)
    {
        Decisions.Add((id, approve, decision));
        return DecideKeyRequest(id, approve, decision);
    }

    public override Task<ApiKeyIssued> PickUpRequestedKeyAsync(Guid requestId, CancellationToken ct = default)
    {
        PickUps.Add($"request {requestId}");
        return PickUpRequest(requestId);
    }

    public override Task<ApiKeyIssued> PickUpKeyAsync(Guid keyId, CancellationToken ct = default)
    {
        PickUps.Add($"key {keyId}");
        return PickUpKey(keyId);
    }

    public override Task<KeyPage> GetKeysAsync(KeyListQuery query, CancellationToken ct = default)
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

    public override Task<ApiKeySummary> GetKeyAsync(Guid id, CancellationToken ct = default) => Key(id);

    public override Task<List<KeyUsagePoint>> GetKeyUsageAsync(Guid id, int hours, CancellationToken ct = default)
    {
        UsageRequests.Add((id, hours));
        return KeyUsage(id, hours);
    }

    public override Task<KeyRotated> RotateKeyAsync(Guid id, RotateKeyRequest request, CancellationToken ct = default)
    {
        Rotations.Add((id, request));
        return RotateKey(id, request);
    }

    public override Task<ApiKeySummary> RevokeKeyAsync(Guid id, RevokeKeyRequest request, CancellationToken ct = default)
    {
        Revocations.Add((id, request));
        return RevokeKey(id, request);
    }

    public override Task<ApiKeySummary> DisableKeyAsync(Guid id, DisableKeyRequest request, CancellationToken ct = default)
    {
        DisabledChanges.Add((id, request));
        return SetKeyDisabled(id, request);
    }

    public override Task<ApiKeySummary> EnableKeyAsync(Guid id, CancellationToken ct = default)
    {
        DisabledChanges.Add((id, null));
        return SetKeyDisabled(id, null);
    }

    private static Task<T> NotSet<T>() => throw new InvalidOperationException($"The test did not expect a call returning {typeof(T).Name}.");

    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            throw new InvalidOperationException($"The test did not fake {request.Method} {request.RequestUri}.");
    }
}
