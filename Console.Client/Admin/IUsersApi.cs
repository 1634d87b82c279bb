using SecurityConsole.Shared.Users;

namespace SecurityConsole.Client.Admin;

/// <summary>The users feature of the API (api/v1/users): people, their roles, locks and invitations.</summary>
public interface IUsersApi
{
    Task<List<UserSummary>> GetUsersAsync(CancellationToken ct = default);

    Task<List<RoleInfo>> GetRolesAsync(CancellationToken ct = default);

    Task<List<InvitationSummary>> GetInvitationsAsync(CancellationToken ct = default);

    Task<InvitationCreated> InviteAsync(InviteUserRequest request, CancellationToken ct = default);

    Task RevokeInvitationAsync(string id, CancellationToken ct = default);

    Task<UserSummary> SetRolesAsync(string userId, SetRolesRequest request, CancellationToken ct = default);

    Task<UserSummary> SetLockedAsync(string userId, bool locked, CancellationToken ct = default);
}
