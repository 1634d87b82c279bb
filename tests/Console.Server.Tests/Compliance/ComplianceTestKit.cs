using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Runs one check against a console's live state, and crafts state (good or bad) for it.</summary>
internal static class ComplianceTestKit
{
    /// <summary>The rows one check returns now, with the default parameters (or these) and every framework enabled.</summary>
    public static async Task<IReadOnlyList<CheckRow>> RowsAsync(this ConsoleFactory factory, string checkId, ComplianceParameters? parameters = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var check = scope.ServiceProvider.GetRequiredService<CheckRegistry>().Find(checkId) ?? throw new InvalidOperationException($"no check {checkId}");
        var catalogue = scope.ServiceProvider.GetRequiredService<ComplianceCatalogue>();
        var context = new CheckContext(scope.ServiceProvider, DateTimeOffset.UtcNow, parameters ?? ComplianceParameters.Default, catalogue.Frameworks);
        return await check.Evaluate(context, Ct);
    }

    /// <summary>The status of the row about this resource; fails when there is none.</summary>
    public static async Task<string> StatusOfAsync(this ConsoleFactory factory, string checkId, string resourceId, ComplianceParameters? parameters = null)
    {
        var rows = await factory.RowsAsync(checkId, parameters);
        var row = rows.SingleOrDefault(r => r.ResourceId == resourceId);
        Assert.True(row is not null, $"{checkId} has no row for {resourceId}: {string.Join("; ", rows.Select(r => $"{r.ResourceId}={r.Status}"))}");
        return row.Status;
    }

    public static async Task DbAsync(this ConsoleFactory factory, Func<ConsoleDbContext, Task> change)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("test"));
        await change(scope.ServiceProvider.GetRequiredService<ConsoleDbContext>());
    }

    public static async Task<T> DbAsync<T>(this ConsoleFactory factory, Func<ConsoleDbContext, Task<T>> read)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ConsoleDbContext>());
    }

    public static async Task<(string Id, string Email)> UserAsync(this ConsoleFactory factory, string role, bool twoFactor = false, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test";
        var id = await factory.CreateUserAsync(email, role);
        if (twoFactor)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
            var user = (await users.FindByIdAsync(id))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
        }
        return (id, email);
    }

    /// <summary>A production key issued directly (as the CLI does: no request), and its display form.</summary>
    public static async Task<(Guid Id, string Display)> KeyAsync(this ConsoleFactory factory, string? owner = null, string environment = KeyEnvironments.Production, params string[] scopes)
    {
        owner ??= (await factory.UserAsync(SecurityConsole.Shared.Security.Roles.Developer)).Id;
        await using var scope = factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("test"));
        var issued = await scope.ServiceProvider.GetRequiredService<ApiKeyIssuer>()
            .IssueAsync(owner, $"svc-{Guid.NewGuid():N}"[..16], environment, scopes.Length == 0 ? [SecurityConsole.Shared.Security.Permissions.KeysVerify] : scopes, TimeSpan.FromDays(30), "tests", Ct);
        return (issued.Id, issued.DisplayKey);
    }

    public static Task UpdateKeyAsync(this ConsoleFactory factory, Guid id, Action<ApiKey> change) =>
        factory.DbAsync(async db =>
        {
            var key = await db.ApiKeys.SingleAsync(k => k.Id == id, Ct);
            change(key);
            await db.SaveChangesAsync(Ct);
        });

    /// <summary>Runs the Audit feature's chain verification job now, as Hangfire would: the whole chain, its outcome recorded in the trail.</summary>
    public static async Task<SecurityConsole.Shared.Audit.VerifyResult> RunChainVerificationAsync(this ConsoleFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Audit.AuditChainVerificationJob>().VerifyAndRecordAsync(Ct);
    }

    public static async Task<ControlView> ControlAsync(this HttpClient client, string id) =>
        (await client.GetFromJsonAsync<ControlView>($"/api/v1/compliance/controls/{id}", Ct))!;
}
