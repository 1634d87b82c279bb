using System.Net;
using System.Text.Json.Nodes;
using SecurityConsole.Server.Tests.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The routes renamed in issue 16 so that no two paths are ambiguous (/keys/requests → /key-requests,
/// /users/invitations → /invitations): the new paths work, and the old ones answer the same until their sunset, every
/// answer carrying Deprecation (RFC 9745), Sunset (RFC 8594) and a successor-version link (docs/api.md).
/// </summary>
public abstract class RenamedRouteTests(SharedConsole console)
{
    private const string Announced = "@1796169600"; // 2026-12-02T00:00:00Z
    private const string Sunset = "Wed, 02 Jun 2027 00:00:00 GMT";

    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnOldKeyRequestRouteAnswersAsItsSuccessorWithDeprecationSunsetAndLink()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var created = await developer.RequestAsync(KeyTestKit.NewRequest(environment: KeyEnvironments.Production));

        var current = await developer.GetAsync($"/api/v1/key-requests/{created.Id}", Ct);
        var old = await developer.GetAsync($"/api/v1/keys/requests/{created.Id}", Ct);

        await current.AssertStatusAsync(HttpStatusCode.OK);
        await old.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(await current.Content.ReadAsStringAsync(Ct), await old.Content.ReadAsStringAsync(Ct));
        AssertDeprecated(old, $"/api/v1/key-requests/{created.Id}");
        Assert.False(current.Headers.Contains("Deprecation"), "the new route is not deprecated");
        Assert.False(current.Headers.Contains("Sunset"));

        var oldList = await developer.GetFromJsonAsync<List<KeyRequestSummary>>("/api/v1/keys/requests", Ct);
        var newList = await developer.GetFromJsonAsync<List<KeyRequestSummary>>("/api/v1/key-requests", Ct);
        Assert.Equal(newList!.Select(r => r.Id), oldList!.Select(r => r.Id));
        Assert.Contains(newList!, r => r.Id == created.Id);
    }

    [Fact]
    public async Task AKeyRequestMadeAtTheOldRouteIsApprovedAndPickedUpAtTheNewOne()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        var response = await developer.PostAsJsonAsync("/api/v1/keys/requests", KeyTestKit.NewRequest(environment: KeyEnvironments.Production), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        var created = (await response.Content.ReadFromJsonAsync<KeyRequestSummary>(Ct))!;
        AssertDeprecated(response, "/api/v1/key-requests");
        Assert.Equal($"/api/v1/key-requests/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(KeyRequestStatuses.Pending, created.Status);

        var approved = await approver.PostAsJsonAsync($"/api/v1/key-requests/{created.Id}/approve", new KeyRequestDecision("Looks right"), Ct);
        await approved.AssertStatusAsync(HttpStatusCode.OK);
        var issued = await developer.PostAsync($"/api/v1/key-requests/{created.Id}/pickup", null, Ct);
        await issued.AssertStatusAsync(HttpStatusCode.OK);
        Assert.StartsWith("sc_", (await issued.Content.ReadFromJsonAsync<ApiKeyIssued>(Ct))!.Secret, StringComparison.Ordinal);

        var again = await developer.PostAsync($"/api/v1/keys/requests/{created.Id}/pickup", null, Ct);
        await again.AssertStatusAsync(HttpStatusCode.Gone);
        AssertDeprecated(again, $"/api/v1/key-requests/{created.Id}/pickup");
    }

    [Fact]
    public async Task InvitationsWorkAtTheNewRouteAndTheOldOneSaysItIsDeprecated()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var first = await admin.PostAsJsonAsync("/api/v1/invitations", new InviteUserRequest(NewEmail(), [Roles.Auditor]), Ct);
        await first.AssertStatusAsync(HttpStatusCode.Created);
        var invitation = (await first.Content.ReadFromJsonAsync<InvitationCreated>(Ct))!;
        Assert.Equal($"/api/v1/invitations/{invitation.Id}", first.Headers.Location?.OriginalString);
        var second = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(NewEmail(), [Roles.Auditor]), Ct);
        await second.AssertStatusAsync(HttpStatusCode.Created);
        AssertDeprecated(second, "/api/v1/invitations");
        var other = (await second.Content.ReadFromJsonAsync<InvitationCreated>(Ct))!;

        var oldList = await admin.GetAsync("/api/v1/users/invitations", Ct);
        AssertDeprecated(oldList, "/api/v1/invitations");
        var open = await admin.GetFromJsonAsync<List<InvitationSummary>>("/api/v1/invitations", Ct);
        Assert.Contains(open!, i => i.Id == invitation.Id);
        Assert.Equal(open!.Select(i => i.Id), (await oldList.Content.ReadFromJsonAsync<List<InvitationSummary>>(Ct))!.Select(i => i.Id));

        await (await admin.DeleteAsync($"/api/v1/invitations/{invitation.Id}", Ct)).AssertStatusAsync(HttpStatusCode.NoContent);
        var revokedAtOld = await admin.DeleteAsync($"/api/v1/users/invitations/{other.Id}", Ct);
        await revokedAtOld.AssertStatusAsync(HttpStatusCode.NoContent);
        AssertDeprecated(revokedAtOld, $"/api/v1/invitations/{other.Id}");
        var left = await admin.GetFromJsonAsync<List<InvitationSummary>>("/api/v1/invitations", Ct);
        Assert.DoesNotContain(left!, i => i.Id == invitation.Id || i.Id == other.Id);
    }

    [Fact]
    public async Task AnOldRoutesRefusalsCarryTheHeadersToo()
    {
        var anonymous = await Factory.CreateBrowserClient().GetAsync("/api/v1/users/invitations", Ct);
        await anonymous.AssertStatusAsync(HttpStatusCode.Unauthorized);
        AssertDeprecated(anonymous, "/api/v1/invitations");

        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var forbidden = await developer.GetAsync("/api/v1/users/invitations", Ct);
        await forbidden.AssertStatusAsync(HttpStatusCode.Forbidden);
        AssertDeprecated(forbidden, "/api/v1/invitations");
        var missing = await developer.GetAsync($"/api/v1/keys/requests/{Guid.NewGuid()}", Ct);
        await missing.AssertStatusAsync(HttpStatusCode.NotFound);
        Assert.True(missing.Headers.Contains("Deprecation"));
    }

    [Fact]
    public async Task TheDocumentMarksEachOldRouteDeprecatedAndNamesItsSuccessor()
    {
        var paths = JsonNode.Parse(await Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct))!["paths"]!;
        var renamed = ApiAuthorization.Operations.Where(o => o.Deprecation is not null).ToList();
        Assert.Equal(9, renamed.Count);
        foreach (var old in renamed)
        {
            var operation = paths[old.Route]![old.Method.ToLowerInvariant()]!;
            Assert.True((bool?)operation["deprecated"] == true, $"{old} is not marked deprecated");
            Assert.Contains($"`{old.Method} {old.Deprecation!.Successor}`", (string?)operation["description"], StringComparison.Ordinal);
            var successor = paths[old.Deprecation.Successor]![old.Method.ToLowerInvariant()]!;
            Assert.Null(successor["deprecated"]);
            Assert.True(old.Deprecation.Sunset >= old.Deprecation.Announced.AddMonths(6), $"{old}: less than the 6 months docs/api.md promises");
        }
    }

    [Fact]
    public void OnlyTheOldPathsOfRenamedRoutesMayBeAmbiguous()
    {
        var ignore = File.ReadAllLines(Path.Combine(RepositoryFiles.Root, "tools", "openapi", ".redocly.lint-ignore.yaml"));
        var start = Array.FindIndex(ignore, l => l.Trim() == "no-ambiguous-paths:");
        var ignored = ignore.Skip(start + 1).TakeWhile(l => l.TrimStart().StartsWith("- ", StringComparison.Ordinal))
            .Select(l => l.Trim()[2..].Trim('\'').Replace("#/paths/", "", StringComparison.Ordinal).Replace("~1", "/", StringComparison.Ordinal))
            .ToList();
        var old = ApiAuthorization.Operations.Where(o => o.Deprecation is not null).Select(o => o.Route).ToHashSet();
        Assert.All(ignored, path => Assert.True(old.Contains(path), $"{path} is ignored as ambiguous but is not the old path of a renamed route"));
    }

    private static void AssertDeprecated(HttpResponseMessage response, string successor)
    {
        Assert.Equal([Announced], response.Headers.GetValues("Deprecation"));
        Assert.Equal([Sunset], response.Headers.GetValues("Sunset"));
        Assert.Contains($"<{successor}>; rel=\"successor-version\"", response.Headers.GetValues("Link"));
    }

    private static string NewEmail() => $"renamed-{Guid.NewGuid():N}@example.com";
}

public sealed class SqliteRenamedRouteTests(SqliteConsole console) : RenamedRouteTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresRenamedRouteTests(PostgresConsole console) : RenamedRouteTests(console), IClassFixture<PostgresConsole>;
