using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Security;

/// <summary>Requires one named permission claim, whether it came from a role or an API key scope.</summary>
public sealed record PermissionRequirement(string Permission) : IAuthorizationRequirement;

public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.HasClaim(Permissions.ClaimType, requirement.Permission))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Builds "perm:{name}" policies on demand, so any endpoint can say <c>RequireAuthorization(Permissions.Policy(x))</c>.</summary>
public sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(Permissions.PolicyPrefix, StringComparison.Ordinal))
        {
            var permission = policyName[Permissions.PolicyPrefix.Length..];
            if (!Permissions.IsKnown(permission))
            {
                // A typo in a policy name must not become "anyone may": refuse to build it.
                throw new InvalidOperationException($"Unknown permission '{permission}' in policy '{policyName}'.");
            }
            return new AuthorizationPolicyBuilder(ConsoleClaims.ConsoleScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permission))
                .Build();
        }
        return await base.GetPolicyAsync(policyName);
    }
}
