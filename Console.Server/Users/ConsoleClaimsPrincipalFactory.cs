using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Users;

/// <summary>Adds one permission claim per permission the user's roles grant.</summary>
public sealed class ConsoleClaimsPrincipalFactory(
    UserManager<ConsoleUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<ConsoleUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ConsoleUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var userRoles = await UserManager.GetRolesAsync(user);
        foreach (var permission in Roles.PermissionsOf(userRoles))
        {
            identity.AddClaim(new Claim(Permissions.ClaimType, permission));
        }
        return identity;
    }
}
