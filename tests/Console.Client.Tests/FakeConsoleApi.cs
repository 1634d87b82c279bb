using SecurityConsole.Client.Admin;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Shared.Dashboard;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Tests;

/// <summary>
/// The API as a test wants it: each call answers with what the test set. A call the test did not
/// expect fails loudly instead of reaching a network. One object implements every feature's interface,
/// so that a test sets up all it needs on <c>Api</c>; each file here is one feature.
/// </summary>
public sealed partial class FakeConsoleApi : IDashboardApi, IUsersApi
{
    public Func<Task<DashboardSummary>> Dashboard { get; set; } = NotSet<DashboardSummary>;
    public Func<Task<List<UserSummary>>> Users { get; set; } = NotSet<List<UserSummary>>;
    public Func<Task<List<InvitationSummary>>> Invitations { get; set; } = () => Task.FromResult(new List<InvitationSummary>());
    public Func<Task<List<RoleInfo>>> Roles { get; set; } = () => Task.FromResult(RoleCatalog.Describe().ToList());
    public Func<InviteUserRequest, Task<InvitationCreated>> Invite { get; set; } = _ => NotSet<InvitationCreated>();
    public Func<string, bool, Task<UserSummary>> SetLocked { get; set; } = (_, _) => NotSet<UserSummary>();
    public Func<string, SetRolesRequest, Task<UserSummary>> SetRoles { get; set; } = (_, _) => NotSet<UserSummary>();
    public Func<string, Task> RevokeInvitation { get; set; } = _ => NotSet<object>();

    public List<InviteUserRequest> InviteRequests { get; } = [];
    public int DashboardCalls { get; private set; }

    public Task<DashboardSummary> GetDashboardAsync(CancellationToken ct = default)
    {
        DashboardCalls++;
        return Dashboard();
    }

    public Task<List<UserSummary>> GetUsersAsync(CancellationToken ct = default) => Users();

    public Task<List<InvitationSummary>> GetInvitationsAsync(CancellationToken ct = default) => Invitations();

    public Task<List<RoleInfo>> GetRolesAsync(CancellationToken ct = default) => Roles();

    public Task<InvitationCreated> InviteAsync(InviteUserRequest request, CancellationToken ct = default)
    {
        InviteRequests.Add(request);
        return Invite(request);
    }

    public Task<UserSummary> SetRolesAsync(string userId, SetRolesRequest request, CancellationToken ct = default) => SetRoles(userId, request);

    public Task<UserSummary> SetLockedAsync(string userId, bool locked, CancellationToken ct = default) => SetLocked(userId, locked);

    public Task RevokeInvitationAsync(string id, CancellationToken ct = default) => RevokeInvitation(id);

    private static Task<T> NotSet<T>() => throw new InvalidOperationException($"The test did not expect a call returning {typeof(T).Name}.");
}
