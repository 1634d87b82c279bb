using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Users;

/// <summary>The reads of people and invitations the API answers with, untracked, as view records.</summary>
public sealed class UserQueries(ConsoleDbContext db, TimeProvider clock)
{
    /// <summary>Every user with roles and sign-in state, by email.</summary>
    public async Task<List<UserSummary>> ListAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rolesByUser = await (from ur in db.UserRoles
                                 join r in db.Roles on ur.RoleId equals r.Id
                                 select new { ur.UserId, r.Name }).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        return [.. users.Select(u => new UserSummary(
            u.Id, u.Email ?? "",
            [.. rolesByUser.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order()],
            u.TwoFactorEnabled,
            u.LockoutEnd is { } end && end > now,
            u.CreatedAt, u.LastSignInAt))];
    }

    /// <summary>Invitations neither accepted, revoked nor expired, newest first, with who sent them.</summary>
    public async Task<List<InvitationSummary>> OpenInvitationsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var open = await db.Invitations.AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        var inviterIds = open.Select(i => i.InvitedByUserId).Distinct().ToList();
        var inviters = await db.Users.Where(u => inviterIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, ct);
        return [.. open.Select(i => new InvitationSummary(
            i.Id.ToString(), i.Email, i.RoleList, inviters.GetValueOrDefault(i.InvitedByUserId, "unknown"), i.CreatedAt, i.ExpiresAt))];
    }
}
