using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Users;

/// <summary>A person as an access review reads them.</summary>
public sealed record UserReportRow(string Id, string Email, IReadOnlyList<string> Roles, bool TwoFactor, bool Locked, DateTimeOffset? LastSignInAt);

/// <summary>The users feature's read for reports: every person with their roles, two-factor and lock state.</summary>
public sealed class UserReportQueries(ConsoleDbContext db, TimeProvider clock)
{
    public async Task<List<UserReportRow>> UsersAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email)
            .Select(u => new { u.Id, u.Email, u.TwoFactorEnabled, u.LockoutEnd, u.LastSignInAt }).ToListAsync(ct);
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        var byUser = roles.ToLookup(r => r.UserId, r => r.Name ?? "");
        return [.. users.Select(u => new UserReportRow(u.Id, u.Email ?? "", [.. byUser[u.Id].Order(StringComparer.Ordinal)], u.TwoFactorEnabled,
            u.LockoutEnd is { } end && end > now, u.LastSignInAt))];
    }

    /// <summary>The roles a person holds now (a report run checks its owner's permissions with these at every run).</summary>
    public async Task<IReadOnlyList<string>?> RolesOfAsync(string userId, CancellationToken ct)
    {
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
        {
            return null;
        }
        return await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id where ur.UserId == userId select r.Name!).ToListAsync(ct);
    }

    public Task<string?> EmailOfAsync(string userId, CancellationToken ct) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.Email).FirstOrDefaultAsync(ct);
}
