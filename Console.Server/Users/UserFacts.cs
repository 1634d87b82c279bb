using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Users;

/// <summary>One person's account as other features may read it (compliance checks): no secrets, no security stamp.</summary>
public sealed record UserFact(string Id, string Email, IReadOnlyList<string> Roles, bool TwoFactor, bool Locked, DateTimeOffset CreatedAt, DateTimeOffset? LastSignInAt);

/// <summary>The Users feature's read door for other features: every account with its roles, in one query each.</summary>
public sealed class UserFacts(ConsoleDbContext db, TimeProvider clock)
{
    public async Task<IReadOnlyList<UserFact>> AllAsync(CancellationToken ct) =>
        [.. (await ReadAsync(null, ct)).OrderBy(u => u.Email, StringComparer.Ordinal)];

    /// <summary>The accounts with these ids that exist, as they are now, by id (read in chunks, not every account).</summary>
    public async Task<IReadOnlyDictionary<string, UserFact>> ByIdsAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        var found = new Dictionary<string, UserFact>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(500))
        {
            foreach (var user in await ReadAsync(chunk, ct))
            {
                found[user.Id] = user;
            }
        }
        return found;
    }

    /// <summary>The accounts with these ids (every account when null) with their roles: one query for each.</summary>
    private async Task<List<UserFact>> ReadAsync(string[]? ids, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var userRoles = ids is null ? db.UserRoles : db.UserRoles.Where(ur => ids.Contains(ur.UserId));
        var accounts = ids is null ? db.Users.AsNoTracking() : db.Users.AsNoTracking().Where(u => ids.Contains(u.Id));
        var roles = (await (from ur in userRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            select new { ur.UserId, r.Name }).ToListAsync(ct))
            .ToLookup(x => x.UserId, x => x.Name!);
        var users = await accounts
            .Select(u => new { u.Id, u.Email, u.TwoFactorEnabled, u.LockoutEnd, u.CreatedAt, u.LastSignInAt })
            .ToListAsync(ct);
        return [.. users.Select(u => new UserFact(
            u.Id, u.Email ?? "", [.. roles[u.Id].Order(StringComparer.Ordinal)], u.TwoFactorEnabled,
            u.LockoutEnd is { } end && end > now, u.CreatedAt, u.LastSignInAt))];
    }

    /// <summary>One account as it is now, or null.</summary>
    public async Task<UserFact?> OneAsync(string id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var user = await db.Users.AsNoTracking().Where(u => u.Id == id)
            .Select(u => new { u.Id, u.Email, u.TwoFactorEnabled, u.LockoutEnd, u.CreatedAt, u.LastSignInAt }).FirstOrDefaultAsync(ct);
        if (user is null)
        {
            return null;
        }
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == id
                           select r.Name).ToListAsync(ct);
        return new UserFact(user.Id, user.Email ?? "", [.. roles.OfType<string>().Order(StringComparer.Ordinal)], user.TwoFactorEnabled,
            user.LockoutEnd is { } end && end > now, user.CreatedAt, user.LastSignInAt);
    }
}
