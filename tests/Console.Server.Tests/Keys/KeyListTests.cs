using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>The key list pages on the server: filters, sort and paging in the database; owner scoping on every page.</summary>
public abstract class KeyListTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Theory]
    [InlineData("sort=created&order=asc")]
    [InlineData("sort=created")]
    [InlineData("sort=lastUsed")]
    [InlineData("sort=lastUsed&order=asc")]
    [InlineData("sort=expires&order=asc")]
    [InlineData("sort=name")]
    public async Task PagesAreDisjointAndTogetherEveryMatchingKeyInTheRequestedOrder(string sort)
    {
        var tag = Tag();
        var now = DateTimeOffset.UtcNow;
        // 23 keys: distinct creation times, some never used, some without expiry, two sharing a last use (ties break by id).
        var seeded = await SeedAsync([.. Enumerable.Range(0, 23).Select(i => Spec(tag, $"{tag}-{i:D2}", now.AddDays(-i - 1),
            lastUsed: i % 4 == 0 ? null : now.AddHours(-(i % 7)), expires: i % 3 == 0 ? null : now.AddDays(30 + i)))]);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);

        var pages = await AllPagesAsync(admin, $"search={tag}&{sort}&pageSize=5");

        Assert.Equal(5, pages.Count);
        Assert.All(pages, p => Assert.Equal(23, p.Total));
        Assert.Equal([5, 5, 5, 5, 3], pages.Select(p => p.Items.Count));
        var listed = pages.SelectMany(p => p.Items).ToList();
        Assert.Equal(listed.Count, listed.Select(k => k.Id).Distinct().Count());
        Assert.Equal(seeded.Select(k => k.Id).Order(), listed.Select(k => k.Id).Order());
        var expected = sort switch
        {
            "sort=created&order=asc" => seeded.OrderBy(k => k.CreatedAt).Select(k => k.Id),
            "sort=created" => seeded.OrderByDescending(k => k.CreatedAt).Select(k => k.Id),
            _ => null,
        };
        if (expected is not null)
        {
            Assert.Equal(expected, listed.Select(k => k.Id));
        }
        switch (sort)
        {
            case "sort=lastUsed":
                AssertOrdered(listed, k => k.LastUsedAt, descending: true);
                break;
            case "sort=lastUsed&order=asc":
                AssertOrdered(listed, k => k.LastUsedAt, descending: false);
                break;
            case "sort=expires&order=asc":
                AssertOrdered(listed, k => k.ExpiresAt, descending: false);
                break;
            case "sort=name":
                // Names differ only in their digits, so every collation sorts them the same way.
                Assert.Equal(seeded.Select(k => k.Service).Order(StringComparer.Ordinal), listed.Select(k => k.Service));
                break;
        }
    }

    [Fact]
    public async Task FiltersAndTheStatusAsOfNowCombineWithPaging()
    {
        var tag = Tag();
        var now = DateTimeOffset.UtcNow;
        var specs = new List<ApiKey>();
        foreach (var environment in new[] { KeyEnvironments.Production, KeyEnvironments.Development })
        {
            specs.Add(Spec(tag, "active-old", now.AddDays(-200), environment: environment));
            specs.Add(Spec(tag, "active", now.AddDays(-1), environment: environment, expires: now.AddDays(60)));
            specs.Add(Spec(tag, "expiring", now.AddDays(-2), environment: environment, expires: now.AddDays(3)));
            specs.Add(Spec(tag, "expired", now.AddDays(-300), environment: environment, expires: now.AddDays(-1)));
            specs.Add(Spec(tag, "revoked", now.AddDays(-3), environment: environment, revoked: now.AddHours(-1)));
            specs.Add(Spec(tag, "disabled", now.AddDays(-4), environment: environment, disabled: now.AddHours(-2)));
            specs.Add(Spec(tag, "rotating", now.AddDays(-100), environment: environment, successor: Guid.NewGuid(), expires: now.AddDays(1)));
        }
        var seeded = await SeedAsync(specs);
        var reader = await Factory.SignedInClientAsync(Roles.Auditor);

        foreach (var status in KeyStatuses.All)
        {
            var pages = await AllPagesAsync(reader, $"search={tag}&status={status}&pageSize=1");
            var expected = seeded.Where(k => k.StatusAt(now) == status).Select(k => k.Id).Order().ToList();
            Assert.All(pages, p => Assert.Equal(expected.Count, p.Total));
            Assert.Equal(expected, pages.SelectMany(p => p.Items).Select(k => k.Id).Order());
            Assert.All(pages.SelectMany(p => p.Items), k => Assert.Equal(status, k.Status));
        }
        var production = await AllPagesAsync(reader, $"search={tag.ToUpperInvariant()}&environment=production&status=active&pageSize=1");
        Assert.Equal(["active", "active-old"], production.SelectMany(p => p.Items).Select(k => k.Name).Order());
        Assert.All(production, p => Assert.Equal(2, p.Total));

        // Production keys live past 90 days (the default policy) are overdue; development has no maximum age.
        var overdue = await AllPagesAsync(reader, $"search={tag}&overdue=true&pageSize=1");
        Assert.Equal(["active-old", "rotating"], overdue.SelectMany(p => p.Items).Select(k => k.Name).Order());
        Assert.All(overdue.SelectMany(p => p.Items), k => Assert.True(k.RotationOverdue));
        Assert.All(overdue.SelectMany(p => p.Items), k => Assert.Equal(KeyEnvironments.Production, k.Environment));
    }

    [Fact]
    public async Task ADeveloperSeesOnlyTheirOwnKeysOnEveryPage()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var mine = new List<Guid>();
        string? developerId = null;
        for (var i = 0; i < 3; i++)
        {
            var request = await developer.RequestAsync(NewRequest());
            developerId = request.RequesterUserId;
            mine.Add((await developer.PickUpOkAsync(request.Id)).Id);
        }
        var (other, othersKey) = await Factory.IssuedKeyAsync();
        _ = other;

        var pages = await AllPagesAsync(developer, "pageSize=1&sort=name");
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal(3, p.Total));
        Assert.All(pages.SelectMany(p => p.Items), k => Assert.Equal(developerId, k.OwnerUserId));
        Assert.Equal(mine.Order(), pages.SelectMany(p => p.Items).Select(k => k.Id).Order());

        // Asking for someone else's keys by owner id finds nothing rather than widening the view.
        var othersOwner = (await (await Factory.SignedInClientAsync(Roles.Admin)).GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{othersKey.Id}", Ct))!.OwnerUserId;
        var asked = (await developer.GetFromJsonAsync<KeyPage>($"/api/v1/keys?owner={Uri.EscapeDataString(othersOwner)}", Ct))!;
        Assert.Equal(0, asked.Total);
        Assert.Empty(asked.Items);
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("page=-1", "page")]
    [InlineData("sort=owner", "sort")]
    [InlineData("order=up", "order")]
    [InlineData("overdue=maybe", "overdue")]
    [InlineData("environment=mars", "environment")]
    [InlineData("status=broken", "status")]
    public async Task BadListParametersAreAProblemNamingTheParameter(string query, string field)
    {
        var reader = await Factory.SignedInClientAsync(Roles.Auditor);

        var problem = await (await reader.GetAsync($"/api/v1/keys?{query}", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.FieldErrors(field));
    }

    [Fact]
    public async Task APagePastTheEndIsEmptyButStillCountsTheMatches()
    {
        var tag = Tag();
        await SeedAsync([Spec(tag, "only", DateTimeOffset.UtcNow.AddDays(-1))]);
        var reader = await Factory.SignedInClientAsync(Roles.Auditor);

        var page = (await reader.GetFromJsonAsync<KeyPage>($"/api/v1/keys?search={tag}&page=3", Ct))!;

        Assert.Empty(page.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal(3, page.Page);
        Assert.Equal(KeyListQuery.DefaultPageSize, page.PageSize);
    }

    private static string Tag() => $"pg{Guid.NewGuid():N}"[..12];

    private static void AssertOrdered(List<ApiKeySummary> keys, Func<ApiKeySummary, DateTimeOffset?> by, bool descending)
    {
        // Keys without the time come last either way.
        var values = keys.Select(by).ToList();
        var firstNull = values.FindIndex(v => v is null);
        if (firstNull >= 0)
        {
            Assert.All(values.Skip(firstNull), v => Assert.Null(v));
        }
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        Assert.Equal(descending ? present.OrderDescending() : present.Order(), present);
    }

    private static async Task<List<KeyPage>> AllPagesAsync(HttpClient client, string query)
    {
        var pages = new List<KeyPage>();
        for (var page = 1; ; page++)
        {
            var response = await client.GetAsync($"/api/v1/keys?{query}&page={page}", Ct);
            await response.AssertStatusAsync(HttpStatusCode.OK);
            var found = (await response.Content.ReadFromJsonAsync<KeyPage>(Ct))!;
            Assert.Equal(page, found.Page);
            if (found.Items.Count == 0)
            {
                return pages;
            }
            pages.Add(found);
            Assert.True(page < 100, "paging never ends");
        }
    }

    private static ApiKey Spec(string tag, string name, DateTimeOffset created, DateTimeOffset? lastUsed = null, DateTimeOffset? expires = null,
        string environment = KeyEnvironments.Development, DateTimeOffset? revoked = null, DateTimeOffset? disabled = null, Guid? successor = null) =>
        new()
        {
            Id = Guid.NewGuid(), Name = name, Service = name.StartsWith(tag, StringComparison.Ordinal) ? name : $"{tag}-{name}",
            Hash = RandomNumberGenerator.GetBytes(32), Prefix = "sc_dev_test", LastFour = "abcd", Environment = environment,
            OwnerUserId = $"owner-{tag}", Scopes = Permissions.KeysVerify, CreatedAt = created, LastUsedAt = lastUsed, ExpiresAt = expires,
            RevokedAt = revoked, RevokedReason = revoked is null ? null : "test", DisabledAt = disabled, SuccessorId = successor,
        };

    /// <summary>Keys written straight to the database with the times a test needs (months of history in a moment).</summary>
    private async Task<List<ApiKey>> SeedAsync(List<ApiKey> keys)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        db.ApiKeys.AddRange(keys);
        await db.SaveChangesAsync(Ct);
        return keys;
    }
}

public sealed class SqliteKeyListTests(SqliteConsole console) : KeyListTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresKeyListTests(PostgresConsole console) : KeyListTests(console), IClassFixture<PostgresConsole>;
