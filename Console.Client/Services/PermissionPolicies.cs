using Microsoft.AspNetCore.Authorization;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Services;

public static class PermissionPolicies
{
    /// <summary>The same "perm:{name}" policies the server enforces, for pages and menus.</summary>
    public static void AddPermissionPolicies(this AuthorizationOptions options)
    {
        foreach (var permission in Permissions.All)
        {
            options.AddPolicy(Permissions.Policy(permission), p => p.RequireClaim(Permissions.ClaimType, permission));
        }
        foreach (var policy in PolicyNames.AnyOf)
        {
            options.AddPolicy(policy, p => p.RequireClaim(Permissions.ClaimType, Permissions.OfPolicy(policy)));
        }
        options.AddPolicy(PolicyNames.SignedIn, p => p.RequireAuthenticatedUser());
    }
}
