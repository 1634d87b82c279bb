using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Security;

/// <summary>
/// Two answers the default authorization result does not give: an API caller who is refused learns in words what the
/// call needs (a permission, or a person rather than a key); and an address nothing answers is a 404 to everyone,
/// not a sign-in redirect for anonymous visitors (a missing script or page is missing, whoever asks).
/// </summary>
public sealed class ConsoleAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged && context.GetEndpoint() is null)
        {
            // Only the fallback policy applies here, and no endpoint follows that could serve anything: the request ends in 404.
            return next(context);
        }
        if (!authorizeResult.Forbidden || !ConsoleRequests.IsApiPath(context.Request.Path))
        {
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }
        var needs = (authorizeResult.AuthorizationFailure?.FailedRequirements ?? []).Select(Describe).OfType<string>().ToList();
        return Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Not allowed",
            detail: needs.Count == 0 ? "You may not make this call." : string.Join(" ", needs)).ExecuteAsync(context);
    }

    private static string? Describe(IAuthorizationRequirement requirement) => requirement switch
    {
        PermissionRequirement { AnyOf.Length: 1 } one => $"This call needs the permission {one.AnyOf[0]}.",
        PermissionRequirement any => $"This call needs one of the permissions {string.Join(", ", any.AnyOf)}.",
        CallerKindRequirement { Accepted: CallerKinds.Person } => "API keys may not make this call: a person signed in to the console must.",
        _ => null,
    };
}
