using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Users;

public sealed record UserSummary(
    string Id,
    string Email,
    IReadOnlyList<string> Roles,
    bool TwoFactorEnabled,
    bool LockedOut,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastSignInAt);

public sealed record CurrentUser(string Id, string Email, IReadOnlyList<string> Roles, IReadOnlyList<string> Permissions);

public sealed record InviteUserRequest(string Email, IReadOnlyList<string> Roles) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Email("email", Email);
        ValidateRoles(v, Roles);
    }

    internal static void ValidateRoles(Validator v, IReadOnlyList<string>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            v.Add("roles", "Choose at least one role.");
            return;
        }
        foreach (var role in roles.Where(r => !Security.Roles.IsKnown(r)))
        {
            v.Add("roles", $"'{role}' is not a role. Roles: {string.Join(", ", Security.Roles.All)}.");
        }
    }
}

/// <summary>The link is shown once to the admin, who passes it on; only its hash is stored.</summary>
public sealed record InvitationCreated(string Id, string Email, IReadOnlyList<string> Roles, string Link, DateTimeOffset ExpiresAt);

public sealed record InvitationSummary(string Id, string Email, IReadOnlyList<string> Roles, string InvitedBy, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

public sealed record SetRolesRequest(IReadOnlyList<string> Roles) : IValidatable
{
    public void Validate(Validator v) => InviteUserRequest.ValidateRoles(v, Roles);
}

public sealed record RoleInfo(string Name, string Description, IReadOnlyList<string> Permissions);

public static class RoleCatalog
{
    public static IReadOnlyList<RoleInfo> Describe() =>
        [.. Roles.All.Select(r => new RoleInfo(r, Roles.Describe(r), Roles.PermissionsOf(r)))];
}
