using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// The authorization table is the one statement of who may call what: every API endpoint carries exactly the
/// authorization its entry says, an endpoint without an entry cannot start, and docs/api.md shows the same table.
/// </summary>
public sealed class AuthorizationTableTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private const string DocsStart = "<!-- authorization-table:start (generated from Console.Shared/Security/ApiAuthorization.cs; checked by AuthorizationTableTests) -->";
    private const string DocsEnd = "<!-- authorization-table:end -->";

    [Fact]
    public void EveryApiEndpointIsAuthorizedExactlyAsItsTableEntrySays()
    {
        var endpoints = console.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();
        var problems = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var route = ApiAuthorizationConvention.Template(endpoint.RoutePattern);
            var method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Single() ?? "?";
            var entry = ApiAuthorization.Find(method, route);
            if (entry is null || endpoint.Metadata.GetMetadata<ApiOperation>() != entry)
            {
                problems.Add($"{method} {route} is not authorized through the table");
                continue;
            }
            var expected = ApiAuthorizationConvention.AuthorizationOf(entry.Access).OfType<IAuthorizeData>().Select(a => a.Policy).Order().ToList();
            var actual = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Distinct().Order().ToList();
            if (!expected.SequenceEqual(actual))
            {
                problems.Add($"{entry} requires [{string.Join(", ", actual)}], the table says [{string.Join(", ", expected)}]");
            }
            if (entry.Access.Public != (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null))
            {
                problems.Add($"{entry} is {(entry.Access.Public ? "not " : "")}anonymous, unlike its entry");
            }
        }
        var unmapped = ApiAuthorization.Operations
            .Where(o => !endpoints.Any(e => e.Metadata.GetMetadata<ApiOperation>() == o)).Select(o => $"{o} has an entry but no endpoint");
        problems.AddRange(unmapped);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(endpoints.Count >= 60, $"only {endpoints.Count} API endpoints found");
    }

    [Fact]
    public void AnApiEndpointWithoutAnEntryIsRefusedWhenTheEndpointsAreBuilt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddRouting();
        using var app = builder.Build();
        app.MapGet("/api/v1/forgotten", () => "x").AuthorizedByTable();
        app.MapGet("/api/v1/me", () => "x").AuthorizedByTable();

        var error = Assert.Throws<InvalidOperationException>(() => ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList());
        Assert.Contains("GET /api/v1/forgotten has no entry in the authorization table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PeopleOnlyEntriesRefuseKeysAndTheKeyPolicyIsOneOfThem()
    {
        var policy = ApiAuthorization.Find("PUT", "/api/v1/keys/policy")!.Access;
        var everything = Permissions.All.ToHashSet();
        Assert.False(policy.Allows(CallerKinds.Key, everything));
        Assert.True(policy.Allows(CallerKinds.Person, everything));
        Assert.Contains(ApiAuthorizationConvention.PeopleOnlyPolicy,
            ApiAuthorizationConvention.AuthorizationOf(policy).OfType<IAuthorizeData>().Select(a => a.Policy));
    }

    [Fact]
    public void TheApiGuideListsEveryOperationWithWhatItNeeds()
    {
        var path = Path.Combine(RepositoryFiles.Root, "docs", "api.md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var expected = GeneratedSection();
        if (Environment.GetEnvironmentVariable("CONSOLE_UPDATE_DOCS") == "1")
        {
            var start = text.IndexOf(DocsStart, StringComparison.Ordinal);
            var end = text.IndexOf(DocsEnd, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, $"docs/api.md lost its markers {DocsStart} … {DocsEnd}");
            text = text[..start] + expected + text[(end + DocsEnd.Length)..];
            File.WriteAllText(path, text);
        }
        Assert.True(text.Contains(expected, StringComparison.Ordinal),
            "docs/api.md's \"Who may call what\" differs from the authorization table. Run this test with CONSOLE_UPDATE_DOCS=1 to "
            + "regenerate it, or paste:\n" + expected);
    }

    private static string GeneratedSection()
    {
        var text = new StringBuilder().Append(DocsStart).Append('\n')
            .Append("| Call | Who may call it |\n")
            .Append("|---|---|\n");
        foreach (var operation in ApiAuthorization.Operations.OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => MethodOrder(o.Method)))
        {
            var deprecated = operation.Deprecation is { } d ? $" (deprecated: use `{d.Successor}`; answers until {d.Sunset:yyyy-MM-dd})" : "";
            text.Append($"| `{operation.Method} {operation.Route}`{deprecated} | {operation.Access.Describe()} |\n");
        }
        return text.Append(DocsEnd).ToString();
    }

    private static int MethodOrder(string method) => Array.IndexOf(["GET", "POST", "PUT", "PATCH", "DELETE"], method);
}
