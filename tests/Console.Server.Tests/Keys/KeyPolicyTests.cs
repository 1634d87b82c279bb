using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>The key policy admins edit: each test that changes it uses a console of its own.</summary>
public abstract class KeyPolicyTests(SharedConsole console)
{
    private const string Policy = "/api/v1/keys/policy";

    [Fact]
    public async Task AnAdminsPolicyChangeDecidesTheNextRequestAtOnceAndIsAudited()
    {
        await using var factory = await console.CreateFreshAsync();
        var developer = await factory.SignedInClientAsync(Roles.Developer);
        var admin = await factory.SignedInWithTwoFactorAsync(Roles.Admin);

        var policy = (await developer.GetFromJsonAsync<KeyPolicy>(Policy, Ct))!;
        Assert.Equal(KeyPolicy.Default.Scopes.Select(s => s.Name), policy.Scopes.Select(s => s.Name));
        Assert.Null(policy.For(KeyEnvironments.Production).AutoApproveUpTo);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.PutAsJsonAsync(Policy, policy, Ct)).StatusCode);
        Assert.Equal(KeyRequestStatuses.Pending, (await developer.RequestAsync(NewRequest(KeyEnvironments.Production))).Status);

        // Production keys with low-risk scopes need no approver now; keys:read leaves the catalogue; development keys rotate after 30 days.
        var changed = policy with
        {
            Scopes = [.. policy.Scopes.Where(s => s.Name != Permissions.KeysRead)],
            Environments =
            [
                new(KeyEnvironments.Production, ScopeRisk.Low, 60),
                new(KeyEnvironments.Staging, null, 180),
                new(KeyEnvironments.Development, ScopeRisk.Medium, 30),
            ],
        };
        var saved = await admin.PutAsJsonAsync(Policy, changed, Ct);
        await saved.AssertStatusAsync(HttpStatusCode.OK);

        var production = await developer.RequestAsync(NewRequest(KeyEnvironments.Production));
        Assert.Equal(KeyRequestStatuses.Approved, production.Status);
        Assert.True(production.AutoApproved);
        Assert.Equal(KeyRequestStatuses.Pending, (await developer.RequestAsync(NewRequest(KeyEnvironments.Staging))).Status);
        var notInCatalogue = await developer.PostAsJsonAsync(Requests, NewRequest(scopes: [Permissions.KeysRead]), Ct);
        var problem = await notInCatalogue.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("not in the scope catalogue", problem.FieldErrors("scopes").Single());
        Assert.DoesNotContain((await developer.GetFromJsonAsync<List<RequestableScope>>("/api/v1/keys/scopes", Ct))!, s => s.Name == Permissions.KeysRead);

        // The rotation job and the dashboard read the new ages.
        var (_, development) = await factory.IssuedKeyAsync(NewRequest(KeyEnvironments.Development) with { LifetimeDays = 365 });
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<KeyRotationPolicyJob>().RunAsync(DateTimeOffset.UtcNow.AddDays(31), Ct) >= 1);
        }
        Assert.NotNull((await admin.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{development.Id}", Ct))!.SuccessorId);

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var entry = await db.AuditEntries.AsNoTracking().SingleAsync(e => e.Action == "key.policy_changed", Ct);
            Assert.Contains("keys:read:Medium", entry.Data);
            Assert.Contains("\"autoApproveUpTo\":\"Low\"", entry.Data);
        }
    }

    [Fact]
    public async Task AnInvalidPolicyIsRefusedWithTheFieldAtFaultAndChangesNothing()
    {
        var admin = await console.Factory.SignedInWithTwoFactorAsync(Roles.Admin);
        var before = await admin.GetStringAsync(Policy, Ct);
        var policy = KeyPolicy.Default;

        var cases = new (KeyPolicy Body, string Field)[]
        {
            (policy with { Scopes = [.. policy.Scopes, new RequestableScope("keys:everything", "Made up", ScopeRisk.Low)] }, $"scopes[{policy.Scopes.Count}].name"),
            (policy with { Scopes = [.. policy.Scopes, policy.Scopes[0]] }, "scopes"),
            (policy with { Scopes = [] }, "scopes"),
            (policy with { Scopes = [policy.Scopes[0] with { Description = " " }] }, "scopes[0].description"),
            (policy with { Environments = policy.Environments.Take(2).ToList() }, "environments"),
            (policy with { Environments = [policy.Environments[0] with { RotateAfterDays = 0 }, policy.Environments[1], policy.Environments[2]] },
                "environments[0].rotateAfterDays"),
        };
        foreach (var (body, field) in cases)
        {
            var response = await admin.PutAsJsonAsync(Policy, body, Ct);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            Assert.NotEmpty(problem.FieldErrors(field));
        }
        var badRisk = await admin.PutAsync(Policy, new StringContent(
            """{"scopes":[{"name":"keys:verify","description":"x","risk":"Extreme"}],"environments":[]}""",
            System.Text.Encoding.UTF8, "application/json"), Ct);
        await badRisk.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(before, await admin.GetStringAsync(Policy, Ct));
    }
}

public sealed class SqliteKeyPolicyTests(SqliteConsole console) : KeyPolicyTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresKeyPolicyTests(PostgresConsole console) : KeyPolicyTests(console), IClassFixture<PostgresConsole>;
