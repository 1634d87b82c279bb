using System.Net;
using System.Text;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>Whatever a caller sends, the API answers with a problem it can act on, never a 500 or an HTML page.</summary>
public sealed class BadInputTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Theory]
    [InlineData("{\"email\": ")]
    [InlineData("{\"email\": \"a@example.test\", \"roles\": [\"Admin\"")]
    [InlineData("not json at all")]
    [InlineData("{\"email\": \"a@example.test\",, }")]
    public async Task AMalformedJsonBodyIsABadRequestProblem(string body)
    {
        var response = await PostInvitationAsync(new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.DoesNotContain("Exception", problem.ToString());
    }

    [Theory]
    [InlineData("{\"email\": 5, \"roles\": [\"Admin\"]}")]
    [InlineData("{\"email\": \"a@example.test\", \"roles\": \"Admin\"}")]
    [InlineData("{\"email\": \"a@example.test\", \"roles\": [1, 2]}")]
    [InlineData("[\"a@example.test\"]")]
    [InlineData("\"a@example.test\"")]
    public async Task JsonOfTheWrongShapeIsABadRequestProblem(string body)
    {
        var response = await PostInvitationAsync(new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"email\": null, \"roles\": null}")]
    public async Task JsonWithRequiredFieldsMissingIsABadRequestProblem(string body)
    {
        var response = await PostInvitationAsync(new StringContent(body, Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AMissingBodyIsABadRequestProblem()
    {
        var response = await PostInvitationAsync(new StringContent("", Encoding.UTF8, "application/json"));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ARequestWithNoContentAtAllIsRefusedWithAProblem()
    {
        var response = await PostInvitationAsync(null);
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType, $"{response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnUnknownApiRouteIsANotFoundProblemNotTheHtmlPage()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        foreach (var path in new[] { "/api/v1/no-such-thing", "/api/v1/users/1/no-such-action", "/api/v1" })
        {
            var response = await admin.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("<html", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }
    }

    private async Task<HttpResponseMessage> PostInvitationAsync(HttpContent? content)
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var response = await admin.PostAsync("/api/v1/users/invitations", content, Ct);
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        return response;
    }
}
