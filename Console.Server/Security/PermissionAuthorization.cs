using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Security;

/// <summary>Requires one of the named permission claims, whether it came from a role or an API key scope.</summary>
public sealed record PermissionRequirement(params string[] AnyOf) : IAuthorizationRequirement;

public sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (requirement.AnyOf.Any(p => context.User.HasClaim(Permissions.ClaimType, p)))
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
            var permissions = Permissions.OfPolicy(policyName).ToArray();
            foreach (var permission in permissions.Where(p => !Permissions.IsKnown(p)))
            {
                // A typo in a policy name must not become "anyone may": refuse to build it.
                throw new InvalidOperationException($"Unknown permission '{permission}' in policy '{policyName}'.");
            }
            return new AuthorizationPolicyBuilder(ConsoleClaims.ConsoleScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permissions))
                .Build();
        }
        return await base.GetPolicyAsync(policyName);
    }
}
