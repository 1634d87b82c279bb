using System.Net;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Security;

public sealed class CsrfTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ACookieAuthenticatedWriteWithoutTheConsoleHeaderIsForbiddenWithAProblemNamingTheHeader()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        admin.DefaultRequestHeaders.Remove(ApiConventions.CsrfHeader);
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", Invitation(), Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("X-Console-Request", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ACookieAuthenticatedWriteWithTheWrongHeaderValueIsForbidden()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        admin.DefaultRequestHeaders.Remove(ApiConventions.CsrfHeader);
        admin.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, "yes");
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", Invitation(), Ct);
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACookieAuthenticatedWriteWithTheConsoleHeaderWorks()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.Equal("1", admin.DefaultRequestHeaders.GetValues(ApiConventions.CsrfHeader).Single());
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", Invitation(), Ct);
        await response.AssertStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ACookieAuthenticatedReadNeedsNoHeader()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        admin.DefaultRequestHeaders.Remove(ApiConventions.CsrfHeader);
        await (await admin.GetAsync("/api/v1/users", Ct)).AssertStatusAsync(HttpStatusCode.OK);
    }

    private static InviteUserRequest Invitation() => new($"csrf-{Guid.NewGuid():N}@example.test", [Roles.Developer]);
}
