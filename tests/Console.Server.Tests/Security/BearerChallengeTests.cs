using System.Net;
using System.Net.Http.Headers;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// A service that calls verify without credentials, or with a refused key, is told what the API expects: a 401 with
/// <c>WWW-Authenticate: Bearer</c> (issue 14, "Errors"; RFC 9110 §11.6.1, RFC 6750 §3).
/// </summary>
public abstract class BearerChallengeTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task VerifyWithoutCredentialsAnswers401NamingTheBearerScheme()
    {
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest("sc_prod_x", null, null), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=\"Security Console\"", challenge.Parameter);
    }

    [Fact]
    public async Task AnUnknownBearerKeyAnswers401WithInvalidToken()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KeyFormat.Generate("production"));

        var response = await client.GetAsync("/api/v1/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("error=\"invalid_token\"", challenge.Parameter);
    }
}

public sealed class SqliteBearerChallengeTests(SqliteConsole console) : BearerChallengeTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresBearerChallengeTests(PostgresConsole console) : BearerChallengeTests(console), IClassFixture<PostgresConsole>;
