using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Admin;

internal sealed class UsersApi(ConsoleApi api) : IUsersApi
{
    public Task<List<UserSummary>> GetUsersAsync(CancellationToken ct = default) => api.GetAsync<List<UserSummary>>("api/v1/users", ct);

    public Task<List<RoleInfo>> GetRolesAsync(CancellationToken ct = default) => api.GetAsync<List<RoleInfo>>("api/v1/users/roles", ct);

    public Task<List<InvitationSummary>> GetInvitationsAsync(CancellationToken ct = default) =>
        api.GetAsync<List<InvitationSummary>>("api/v1/invitations", ct);

    public Task<InvitationCreated> InviteAsync(InviteUserRequest request, CancellationToken ct = default) =>
        api.SendAsync<InvitationCreated>(HttpMethod.Post, "api/v1/invitations", request, ct);

    public Task RevokeInvitationAsync(string id, CancellationToken ct = default) =>
        api.SendAsync<object>(HttpMethod.Delete, $"api/v1/invitations/{Uri.EscapeDataString(id)}", null, ct);

    public Task<UserSummary> SetRolesAsync(string userId, SetRolesRequest request, CancellationToken ct = default) =>
        api.SendAsync<UserSummary>(HttpMethod.Put, $"api/v1/users/{Uri.EscapeDataString(userId)}/roles", request, ct);

    public Task<UserSummary> SetLockedAsync(string userId, bool locked, CancellationToken ct = default) =>
        api.SendAsync<UserSummary>(HttpMethod.Post, $"api/v1/users/{Uri.EscapeDataString(userId)}/{(locked ? "lock" : "unlock")}", null, ct);
}
