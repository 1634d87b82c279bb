using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Tests;

/// <summary>
/// The API as a test wants it: each call answers with what the test set. A call the test did not
/// expect fails loudly instead of reaching a network.
/// </summary>
public sealed class FakeConsoleApi() : ConsoleApi(new HttpClient(new NoNetwork()) { BaseAddress = new Uri("http://localhost/") })
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

    private static Task<T> NotSet<T>() => throw new InvalidOperationException($"The test did not expect a call returning {typeof(T).Name}.");

    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            throw new InvalidOperationException($"The test did not fake {request.Method} {request.RequestUri}.");
    }
}
