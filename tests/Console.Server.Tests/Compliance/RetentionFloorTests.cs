using System.Net;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>The audit feature's retention floors are the enabled frameworks' files: enable, disable or add one and they follow.</summary>
public abstract class RetentionFloorTests(SharedConsole console)
{
    private static async Task<CategoryRetention> CategoryAsync(HttpClient admin, string category) =>
        (await admin.GetFromJsonAsync<RetentionPolicy>("/api/v1/audit/retention", Ct))!.Categories.Single(c => c.Category == category);

    [Fact]
    public async Task DisablingAFrameworkTakesItsFloorAwayAndEnablingItPutsTheFloorBack()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var category = await CategoryAsync(admin, AuditCategoryNames.Admin);
        Assert.Equal(2190, category.FloorDays);
        Assert.Contains(category.Floors, f => f.Framework.StartsWith("HIPAA", StringComparison.Ordinal) && f.Requirement.StartsWith("164.316(b)(2)(i)", StringComparison.Ordinal));

        (await admin.PutAsJsonAsync("/api/v1/compliance/frameworks/hipaa", new SetFrameworkEnabledRequest(false), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(365, (await CategoryAsync(admin, AuditCategoryNames.Admin)).FloorDays);
        await (await admin.PutAsJsonAsync("/api/v1/audit/retention", new SetRetentionRequest([new RetentionSetting(AuditCategoryNames.Admin, 400)]), Ct))
            .AssertStatusAsync(HttpStatusCode.OK);

        (await admin.PutAsJsonAsync("/api/v1/compliance/frameworks/hipaa", new SetFrameworkEnabledRequest(true), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(2190, (await CategoryAsync(admin, AuditCategoryNames.Admin)).FloorDays);
        var below = await admin.PutAsJsonAsync("/api/v1/audit/retention", new SetRetentionRequest([new RetentionSetting(AuditCategoryNames.Admin, 400)]), Ct);
        var errors = (await below.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("categories[0].days");
        Assert.Contains(errors, e => e.Contains("HIPAA", StringComparison.Ordinal) && e.Contains("2190", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFourthFrameworksFloorIsEnforcedFromItsFile()
    {
        var soc2 = CatalogueLoaderTests.Soc2 + """

            retention:
              - { requirement: CC6.1, days: 3000, categories: [security] }
            """;
        var dir = CatalogueLoaderTests.Folder(("soc2.yaml", soc2));
        await using var factory = await console.CreateFreshAsync(extra: new Dictionary<string, string?> { ["Compliance:FrameworksPath"] = dir });
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        Assert.Equal(3000, (await CategoryAsync(admin, AuditCategoryNames.Security)).FloorDays);
        var below = await admin.PutAsJsonAsync("/api/v1/audit/retention", new SetRetentionRequest([new RetentionSetting(AuditCategoryNames.Security, 2000)]), Ct);
        Assert.Contains(((await below.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("categories[0].days")), e => e.Contains("SOC 2", StringComparison.Ordinal));
    }
}

public sealed class SqliteRetentionFloorTests(SqliteConsole console) : RetentionFloorTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresRetentionFloorTests(PostgresConsole console) : RetentionFloorTests(console), IClassFixture<PostgresConsole>;
