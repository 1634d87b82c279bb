using System.Net;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Security;

/// <summary>
/// Query-string filters the fuzzers broke (fuzz/corpus/audit-query, fuzz/corpus/query-readers): a control character
/// (PostgreSQL refuses NUL in a query parameter) and a time at the edge of the calendar are named parameters in a 400,
/// never a 500.
/// </summary>
public abstract class QueryParameterTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Theory]
    [InlineData(Roles.SecurityAnalyst, "/api/v1/events?actor=%00", "actor")]
    [InlineData(Roles.SecurityAnalyst, "/api/v1/events?type=auth.%00", "type")]
    [InlineData(Roles.SecurityAnalyst, "/api/v1/alerts?entity=a%00b", "entity")]
    [InlineData(Roles.SecurityAnalyst, "/api/v1/threats/entity?kind=ip&id=%00", "id")]
    [InlineData(Roles.Auditor, "/api/v1/audit?text=%00", "text")]
    [InlineData(Roles.Auditor, "/api/v1/audit?action=signin.%00*", "action")]
    [InlineData(Roles.Auditor, "/api/v1/audit/export?actor=%01", "actor")]
    [InlineData(Roles.Admin, "/api/v1/keys?search=%00", "search")]
    [InlineData(Roles.Admin, "/api/v1/keys?owner=%00", "owner")]
    public async Task AControlCharacterInAFilterIsABadRequestNamingIt(string role, string url, string field)
    {
        var client = await Factory.SignedInClientAsync(role);

        var problem = await (await client.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("control characters", Assert.Single(problem.FieldErrors(field)));
    }

    [Theory]
    [InlineData("/api/v1/threats/timeline?to=0001-01-01T00:00:00Z")]
    [InlineData("/api/v1/threats/heatmap?to=0001-01-01T05:00:00Z")]
    [InlineData("/api/v1/threats/top-entities?to=0001-01-03T00:00:00Z")]
    public async Task ARangeEndingAtTheStartOfTheCalendarIsABadRequestNamingTo(string url)
    {
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);

        var problem = await (await analyst.GetAsync(url, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.FieldErrors("to"));
    }
}

public sealed class SqliteQueryParameterTests(SqliteConsole console) : QueryParameterTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresQueryParameterTests(PostgresConsole console) : QueryParameterTests(console), IClassFixture<PostgresConsole>;
