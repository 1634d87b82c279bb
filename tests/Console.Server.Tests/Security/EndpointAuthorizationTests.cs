using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Every endpoint says who may use it: a named policy or roles, or an explicit AllowAnonymous.
/// The fallback policy is a safety net, not a decision, so an endpoint that relies on it fails here.
/// </summary>
public sealed class EndpointAuthorizationTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    [Fact]
    public void EveryEndpointRequiresANamedPolicyOrIsExplicitlyAnonymous()
    {
        var endpoints = Endpoints();
        var undecided = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => !string.IsNullOrEmpty(a.Policy) || !string.IsNullOrEmpty(a.Roles)))
            .Select(Describe)
            .ToList();
        Assert.True(undecided.Count == 0,
            "These endpoints require no named permission and are not marked AllowAnonymous:\n" + string.Join('\n', undecided));
    }

    [Fact]
    public void EveryPermissionPolicyNamesAPermissionDefinedInConsoleShared()
    {
        var unknown = Endpoints()
            .SelectMany(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => (Endpoint: e, a.Policy)))
            .Where(x => x.Policy?.StartsWith(Permissions.PolicyPrefix, StringComparison.Ordinal) == true)
            .Where(x => !Permissions.OfPolicy(x.Policy!).All(Permissions.IsKnown))
            .Select(x => $"{Describe(x.Endpoint)} uses {x.Policy}")
            .ToList();
        Assert.True(unknown.Count == 0, string.Join('\n', unknown));
    }

    [Fact]
    public void TheInventoryCoversTheApiTheHubThePagesTheJobsDashboardAndHealth()
    {
        // Guards the two tests above against passing on an empty or partial list.
        var routes = Endpoints().Select(e => (e as RouteEndpoint)?.RoutePattern.RawText ?? "").ToList();
        Assert.Contains(routes, r => r.StartsWith("/api/v1/users", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.StartsWith("/hubs/alerts", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Equals("/Account/Login", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.Equals("/", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.StartsWith("/jobs", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.StartsWith("/health/ready", StringComparison.Ordinal));
        Assert.Contains(routes, r => r.StartsWith("/openapi", StringComparison.Ordinal));
    }

    [Fact]
    public void ThePoliciesThatGuardTheConsoleAreThePermissionsAnAdminWouldExpect()
    {
        var byRoute = Endpoints().OfType<RouteEndpoint>()
            .GroupBy(e => (e.RoutePattern.RawText ?? "").TrimEnd('/'))
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Metadata.GetOrderedMetadata<IAuthorizeData>()).Select(a => a.Policy).ToList());
        Assert.Contains(Permissions.Policy(Permissions.UsersManage), byRoute["/api/v1/invitations"]);
        Assert.Contains(Permissions.Policy(Permissions.JobsManage), byRoute.First(r => r.Key.StartsWith("/jobs", StringComparison.Ordinal)).Value);
        Assert.Contains(Permissions.Policy(Permissions.KeysApprove), byRoute["/api/v1/key-requests/{id:guid}/approve"]);
        Assert.Contains(Permissions.Policy(Permissions.KeysRequest), byRoute["/api/v1/key-requests"]);
        Assert.Contains(Permissions.Policy(Permissions.KeysVerify), byRoute["/api/v1/keys/verify"]);
    }

    private List<Endpoint> Endpoints() =>
        [.. console.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints];

    private static string Describe(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName;
        return $"{string.Join(',', methods)} {route} ({endpoint.DisplayName})";
    }
}
