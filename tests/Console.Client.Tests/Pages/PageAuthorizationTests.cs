using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Pages;

public sealed class PageAuthorizationTests
{
    private static readonly IReadOnlyList<Type> RoutablePages =
        [.. typeof(SecurityConsole.Client._Imports).Assembly.GetTypes().Where(t => t.GetCustomAttributes<RouteAttribute>().Any())];

    public static TheoryData<string, string> SectionPolicies => new()
    {
        { "/", PolicyNames.SignedIn },
        { "/alerts", Permissions.Policy(Permissions.AlertsRead) },
        { "/threats", Permissions.Policy(Permissions.AlertsRead) },
        { "/keys", Permissions.Policy(Permissions.KeysRequest) },
        { "/keys/request", Permissions.Policy(Permissions.KeysRequest) },
        { "/keys/approvals", Permissions.Policy(Permissions.KeysApprove) },
        { "/keys/all", Permissions.Policy(Permissions.KeysRead) },
        { "/keys/policy", Permissions.Policy(Permissions.KeysWrite) },
        { "/keys/{Id:guid}", Permissions.PolicyAny(Permissions.KeysRead, Permissions.KeysWrite, Permissions.KeysRequest) },
        { "/audit", Permissions.Policy(Permissions.AuditRead) },
        { "/audit/retention", Permissions.Policy(Permissions.AuditManage) },
        { "/compliance", Permissions.Policy(Permissions.ComplianceRead) },
        { "/reports", Permissions.Policy(Permissions.ReportsRead) },
        { "/admin/users", Permissions.Policy(Permissions.UsersManage) },
    };

    [Fact]
    public void EveryPageSaysExplicitlyWhoMayOpenIt()
    {
        var unmarked = RoutablePages
            .Where(t => t.GetCustomAttribute<AuthorizeAttribute>() is null && t.GetCustomAttribute<AllowAnonymousAttribute>() is null)
            .Select(t => t.FullName);

        Assert.Empty(unmarked);
    }

    [Fact]
    public void EveryPagePolicyIsOneTheAppRegisters()
    {
        var options = new AuthorizationOptions();
        options.AddPermissionPolicies();

        var unknown = RoutablePages
            .Select(t => t.GetCustomAttribute<AuthorizeAttribute>()?.Policy)
            .OfType<string>()
            .Where(policy => options.GetPolicy(policy) is null);

        Assert.Empty(unknown);
    }

    [Theory]
    [MemberData(nameof(SectionPolicies))]
    public void EachSectionRequiresItsPermission(string route, string policy)
    {
        var page = Assert.Single(RoutablePages, t => t.GetCustomAttributes<RouteAttribute>().Any(r => r.Template == route));

        Assert.Equal(policy, page.GetCustomAttribute<AuthorizeAttribute>()?.Policy);
    }
}
