using SecurityConsole.Client.Services;
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

    private static Task<T> NotSet<T>() => throw new InvalidOperationException($"The test did not expect a call returning {typeof(T).Name}.");

    private sealed class NoNetwork : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            throw new InvalidOperationException($"The test did not fake {request.Method} {request.RequestUri}.");
    }
}
