using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;

namespace SecurityConsole.Server.Users;

/// <summary>Turns an open invitation into an account, once.</summary>
public sealed class InvitationAcceptance(
    ConsoleDbContext db,
    UserManager<ConsoleUser> users,
    AuditTrail audit,
    Caller caller,
    TimeProvider clock)
{
    public async Task<Invitation?> FindOpenAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            return null;
        }
        var hash = SetupService.Hash(token);
        var now = clock.GetUtcNow();
        var invitation = await db.Invitations.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        return invitation is not null && invitation.IsOpen(now) ? invitation : null;
    }

    public async Task<SetupResult> AcceptAsync(string token, string password, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var hash = SetupService.Hash(token);
        var now = clock.GetUtcNow();
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, ct);
        if (invitation is null || !invitation.IsOpen(now))
        {
            return SetupResult.Fail("This invitation is no longer valid. Ask an admin for a new one.");
        }
        var spent = await db.Invitations.Where(i => i.Id == invitation.Id && i.AcceptedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.AcceptedAt, now), ct);
        if (spent != 1)
        {
            return SetupResult.Fail("This invitation has already been used.");
        }
        var user = new ConsoleUser { UserName = invitation.Email, Email = invitation.Email, EmailConfirmed = true, CreatedAt = now, LastSignInAt = now };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await tx.RollbackAsync(ct);
            return SetupResult.Fail(string.Join(" ", created.Errors.Select(e => e.Description)));
        }
        var roles = await users.AddToRolesAsync(user, invitation.RoleList);
        if (!roles.Succeeded)
        {
            await tx.RollbackAsync(ct);
            return SetupResult.Fail(string.Join(" ", roles.Errors.Select(e => e.Description)));
        }
        caller.ActAs(new Actor(ActorTypes.User, user.Id, caller.Current.SourceIp));
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.UserInvitationAccepted, "user", user.Id,
            Data: new { email = user.Email, roles = invitation.RoleList, invitation = invitation.Id }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return SetupResult.Ok(user);
    }
}
