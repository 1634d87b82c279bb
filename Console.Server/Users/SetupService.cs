using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Users;

/// <summary>
/// First run: while no user exists, the console prints a one-time link (random token, one hour,
/// usable once) that lets a person create the first admin. There is never a default password.
/// </summary>
public sealed class SetupService(
    ConsoleDbContext db,
    UserManager<ConsoleUser> users,
    AuditTrail audit,
    Caller caller,
    TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    public async Task<bool> IsNeededAsync(CancellationToken ct) => !await AdminExistsAsync(ct);

    /// <summary>
    /// The link is for a console nobody can administer: demo people (--demo) have no password and no Admin role,
    /// so they do not count.
    /// </summary>
    private Task<bool> AdminExistsAsync(CancellationToken ct) =>
        (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where r.Name == Roles.Admin select ur.UserId).AnyAsync(ct);

    /// <summary>Replaces any earlier link with a new one and returns its token (shown once).</summary>
    public async Task<string> IssueAsync(CancellationToken ct)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        await db.SetupTokens.Where(t => t.UsedAt == null).ExecuteDeleteAsync(ct);
        db.SetupTokens.Add(new SetupToken { Id = Guid.NewGuid(), TokenHash = Hash(token), CreatedAt = now, ExpiresAt = now + Lifetime });
        caller.ActAs(Actor.System("setup"));
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.SetupLinkIssued, Outcome: AuditOutcomes.Success,
            Data: new { expiresAt = now + Lifetime }));
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task<bool> IsValidAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            return false;
        }
        var hash = Hash(token);
        var now = clock.GetUtcNow();
        return await db.SetupTokens.AnyAsync(t => t.TokenHash == hash && t.UsedAt == null && t.ExpiresAt > now, ct)
            && !await AdminExistsAsync(ct);
    }

    /// <summary>Creates the first admin and spends the token, in one transaction with its audit entries.</summary>
    public async Task<SetupResult> CompleteAsync(string token, string email, string password, CancellationToken ct)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var hash = Hash(token);
            var now = clock.GetUtcNow();
            var stored = await db.SetupTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
            if (stored is null || stored.UsedAt is not null || stored.ExpiresAt <= now || await AdminExistsAsync(ct))
            {
                return SetupResult.Fail("This setup link is no longer valid. Run admin setup-link on the console's machine for a new one.");
            }
            // Spend the token first: a concurrent second use now conflicts on the same row.
            var spent = await db.SetupTokens
                .Where(t => t.Id == stored.Id && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), ct);
            if (spent != 1)
            {
                return SetupResult.Fail("This setup link has already been used.");
            }
            if (!new Validator().Email("email", email).IsValid)
            {
                return SetupResult.Fail("Enter an email address such as name@example.com.");
            }
            var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now, LastSignInAt = now };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                await tx.RollbackAsync(ct);
                return SetupResult.Fail(string.Join(" ", created.Errors.Select(e => e.Description)));
            }
            await users.AddToRoleAsync(user, Roles.Admin);
            caller.ActAs(new Actor(ActorTypes.User, user.Id, caller.Current.SourceIp));
            audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.SetupCompleted, "user", user.Id, Data: new { roles = new[] { Roles.Admin } }));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return SetupResult.Ok(user);
        });
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    internal static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record SetupResult(bool Succeeded, string? Error, ConsoleUser? User)
{
    public static SetupResult Ok(ConsoleUser user) => new(true, null, user);
    public static SetupResult Fail(string error) => new(false, error, null);
}
