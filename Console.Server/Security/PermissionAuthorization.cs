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
        foreach (var permission in requirement.AnyOf)
        {
            if (context.User.HasClaim(Permissions.ClaimType, permission))
            {
                context.Succeed(requirement);
                break;
            }
        }
        return Task.CompletedTask;
    }
}

/// <summary>Met when the caller is of an accepted kind: a person's session, or an API key (<see cref="ConsoleClaims.ApiKeyId"/>).</summary>
public sealed record CallerKindRequirement(CallerKinds Accepted) : IAuthorizationRequirement;

public sealed class CallerKindHandler : AuthorizationHandler<CallerKindRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CallerKindRequirement requirement)
    {
        var kind = context.User.HasClaim(c => c.Type == ConsoleClaims.ApiKeyId) ? CallerKinds.Key : CallerKinds.Person;
        if ((requirement.Accepted & kind) != 0)
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>Builds "perm:{name}" policies on demand, so any endpoint can say <c>RequireAuthorization(Permissions.Policy(x))</c>.</summary>
public sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    /// <summary>
    /// A policy depends on its name alone, so the authorization middleware may combine an endpoint's policies once
    /// and keep the result (a derived provider has to say so; otherwise they are rebuilt on every request).
    /// </summary>
    public override bool AllowsCachingPolicies => true;

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
            // No scheme named: the default (cookie or API key) already authenticated the request, and naming it
            // again would make every authorization re-run it and merge the principal anew.
            return new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .AddRequirements(new PermissionRequirement(permissions))
                .Build();
        }
        if (policyName == ApiAuthorizationConvention.PeopleOnlyPolicy)
        {
            return new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .AddRequirements(new CallerKindRequirement(CallerKinds.Person))
                .Build();
        }
        return await base.GetPolicyAsync(policyName);
    }
}
