using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Security;

/// <summary>
/// Gives each API endpoint the authorization its entry in <see cref="ApiAuthorization"/> states, so that the table
/// and the endpoints cannot disagree. An endpoint without an entry stops the console from starting.
/// </summary>
public static class ApiAuthorizationConvention
{
    /// <summary>The policy that refuses API keys: only a person's session passes.</summary>
    public const string PeopleOnlyPolicy = "caller:person";

    /// <summary>Authorizes every endpoint of this builder (a feature's group, one route) as the authorization table says.</summary>
    public static TBuilder AuthorizedByTable<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(Apply);
        return builder;
    }

    private static void Apply(EndpointBuilder endpoint)
    {
        var route = endpoint as RouteEndpointBuilder
            ?? throw new InvalidOperationException($"{endpoint.DisplayName} has no route, so the authorization table cannot name it.");
        var methods = endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? [];
        var template = Template(route.RoutePattern);
        if (methods.Count != 1)
        {
            throw new InvalidOperationException($"{template} answers {methods.Count} methods; the authorization table needs one per endpoint.");
        }
        var operation = ApiAuthorization.Find(methods[0], template)
            ?? throw new InvalidOperationException(
                $"{methods[0]} {template} has no entry in the authorization table (Console.Shared/Security/ApiAuthorization.cs): say there who may call it.");
        endpoint.Metadata.Add(operation);
        foreach (var data in AuthorizationOf(operation.Access))
        {
            endpoint.Metadata.Add(data);
        }
    }

    /// <summary>The endpoint metadata that enforces an entry: named policies, all of which must pass, or AllowAnonymous.</summary>
    public static IReadOnlyList<object> AuthorizationOf(ApiAccess access)
    {
        if (access.Public)
        {
            return [new AllowAnonymousAttribute()];
        }
        var policies = access.Requires.Count == 0
            ? [Policies.SignedIn]
            : access.Requires.Select(anyOf => Permissions.PolicyAny([.. anyOf])).ToList();
        if (access.Callers == CallerKinds.Person)
        {
            policies.Add(PeopleOnlyPolicy);
        }
        else if (access.Callers != CallerKinds.Any)
        {
            throw new InvalidOperationException($"No policy enforces callers {access.Callers}.");
        }
        return [.. policies.Select(p => new AuthorizeAttribute(p))];
    }

    /// <summary>The route as the OpenAPI document writes it: parameters as <c>{name}</c>, no constraints, no trailing slash.</summary>
    public static string Template(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            _ => throw new InvalidOperationException($"Unknown route part {part.GetType().Name}."),
        }))));
}
