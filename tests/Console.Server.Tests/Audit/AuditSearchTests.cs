using System.Net;
using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <remarks>
/// One console for the class. The paging test walks every test.event entry, which the filter test also records, so it
/// starts a console of its own; no other test records test.event, user.invited or audit.exported.
/// </remarks>
public sealed class AuditSearchTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task KeysetPagingWalksBackAndForthWithoutGapsOrRepeats()
    {
        await using var factory = await console.CreateFreshAsync();
        var client = await factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await factory.RecordAsync(25);

        var seen = new List<long>();
        var url = "/api/v1/audit?action=test.event&limit=10";
        AuditPage page;
        do
        {
            page = (await client.GetFromJsonAsync<AuditPage>(url, Json, Ct))!;
            seen.AddRange(page.Items.Select(i => i.Sequence));
            url = $"/api/v1/audit?action=test.event&limit=10&before={page.NextBefore}";
        }
        while (page.NextBefore is not null);

        Assert.Equal(seqs.Reverse(), seen);
        var newer = await client.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action=test.event&limit=10&after={seqs[4]}", Json, Ct);
        Assert.Equal(seqs[5..15].Reverse(), newer!.Items.Select(i => i.Sequence));
        Assert.Equal(seqs[14], newer.NextAfter);
    }

    [Fact]
    public async Task FiltersNarrowTheResults()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        await Factory.RecordAsync(3, AuditCategories.Key);
        await Factory.RecordAsync(2, AuditCategories.Security);

        var keys = await client.GetFromJsonAsync<AuditPage>("/api/v1/audit?category=key&action=test.event", Json, Ct);
        Assert.Equal(3, keys!.Items.Count);
        var target = await client.GetFromJsonAsync<AuditPage>("/api/v1/audit?target=t1&category=security", Json, Ct);
        Assert.Single(target!.Items);
        var text = await client.GetFromJsonAsync<AuditPage>("/api/v1/audit?text=test.ev&actor=test", Json, Ct);
        Assert.Equal(5, text!.Items.Count);
        var none = await client.GetFromJsonAsync<AuditPage>($"/api/v1/audit?to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddYears(-1).ToString("O"))}", Json, Ct);
        Assert.Empty(none!.Items);
    }

    [Theory]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("before=abc", "before")]
    [InlineData("after=-3", "after")]
    [InlineData("from=yesterday", "from")]
    [InlineData("outcome=maybe", "outcome")]
    [InlineData("category=everything", "category")]
    [InlineData("reveal=perhaps", "reveal")]
    [InlineData("before=5&after=3", "after")]
    public async Task ABadQueryParameterIsAProblemNamingIt(string query, string parameter)
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var response = await client.GetAsync($"/api/v1/audit?{query}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"{parameter}\"", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task ExportStreamsCsvMaskedForAnAuditorAndIsAudited()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.Equal(HttpStatusCode.Created,
            (await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest("=cmd@example.test", [Roles.Auditor]), Ct)).StatusCode);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);

        var response = await auditor.GetAsync("/api/v1/audit/export?format=csv&action=user.invited", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence,time,category,action", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain("=cmd@example.test", lines[1]);
        Assert.Contains("masked", lines[1]);

        var exports = await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=audit.exported", Json, Ct);
        Assert.Single(exports!.Items);
        var bad = await auditor.GetAsync("/api/v1/audit/export?format=xml", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"format\"", await bad.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task AnUnknownEntryIsNotFound()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/audit/999999", Ct)).StatusCode);
    }

    [Fact]
    public async Task TheApiDocumentDescribesEverySearchParameter()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await Factory.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var search = doc.RootElement.GetProperty("paths").EnumerateObject()
            .Single(p => p.Name.TrimEnd('/') == "/api/v1/audit").Value.GetProperty("get");
        var names = search.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["from", "to", "actor", "action", "target", "outcome", "category", "text", "subject", "before", "after", "limit", "reveal"], names);
    }
}
