using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Users;

/// <summary>
/// User administration: invitations, roles and lock-outs, each audited in the same transaction. What it refuses it throws
/// (<see cref="NotFoundException"/>, <see cref="InvalidException"/>, <see cref="ForbiddenException"/>).
/// </summary>
public sealed class UserAdmin(
    ConsoleDbContext db,
    UserManager<ConsoleUser> users,
    AuditTrail audit,
    Caller caller,
    AdminPresence presence,
    TimeProvider clock)
{
    public static readonly TimeSpan InvitationLifetime = TimeSpan.FromDays(3);

    public async Task<InvitationCreated> InviteAsync(InviteUserRequest request, string baseUrl, CancellationToken ct)
    {
        var email = request.Email.Trim();
        var normalized = users.NormalizeEmail(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
        {
            throw InvalidException.Field("email", "A user with this email address already exists.");
        }
        // Whoever holds the link becomes a person with these roles: inviting is granting.
        var attempted = new AuditEvent(AuditCategories.Admin, AuditActions.UserInvited, "invitation", null, Data: new { email, roles = request.Roles });
        await DemandMayGrantAsync([.. request.Roles.Distinct()], attempted, ct);
        var now = clock.GetUtcNow();
        var token = SetupService.Base64Url(RandomNumberGenerator.GetBytes(32));
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            Email = email,
            NormalizedEmail = normalized,
            Roles = string.Join(' ', request.Roles.Distinct()),
            TokenHash = SetupService.Hash(token),
            InvitedByUserId = caller.Current.Id,
            CreatedAt = now,
            ExpiresAt = now + InvitationLifetime,
        };
        // A new invitation for the same address replaces the old one.
        foreach (var old in await db.Invitations.Where(i => i.NormalizedEmail == normalized && i.AcceptedAt == null && i.RevokedAt == null).ToListAsync(ct))
        {
            old.RevokedAt = now;
        }
        db.Invitations.Add(invitation);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.UserInvited, "invitation", invitation.Id.ToString(),
            Data: new { email, roles = invitation.RoleList, expiresAt = invitation.ExpiresAt }));
        await db.SaveChangesAsync(ct);
        var link = $"{baseUrl}/Account/AcceptInvite?token={token}";
        return new InvitationCreated(invitation.Id.ToString(), email, invitation.RoleList, link, invitation.ExpiresAt);
    }

    public async Task RevokeInvitationAsync(Guid id, CancellationToken ct)
    {
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.Id == id && i.AcceptedAt == null && i.RevokedAt == null, ct)
            ?? throw new NotFoundException();
        invitation.RevokedAt = clock.GetUtcNow();
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.UserInvitationRevoked, "invitation", id.ToString(), Data: new { invitation.Email }));
        await db.SaveChangesAsync(ct);
    }

    public async Task<UserSummary> SetRolesAsync(string id, IReadOnlyList<string> roles, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id) ?? throw new NotFoundException();
        var current = await users.GetRolesAsync(user);
        var wanted = roles.Distinct().ToList();
        var attempted = new AuditEvent(AuditCategories.Admin, AuditActions.UserRolesChanged, "user", user.Id, Data: new { email = user.Email, wanted });
        await DemandMayGrantAsync([.. wanted.Except(current)], attempted, ct);
        if (current.Contains(Roles.Admin) && !wanted.Contains(Roles.Admin) && await IsLastActiveAdminAsync(user, ct))
        {
            throw InvalidException.Field("roles", "This is the last admin who can sign in; make someone else an admin (or unlock one) first.");
        }
        // A caller's transaction is joined, not nested: an access review records its decision with the change it makes.
        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var removed = current.Except(wanted).ToList();
        var added = wanted.Except(current).ToList();
        Check(await users.RemoveFromRolesAsync(user, removed));
        Check(await users.AddToRolesAsync(user, added));
        // The user's sessions pick up the new permissions at their next validation.
        Check(await users.UpdateSecurityStampAsync(user));
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.UserRolesChanged, "user", user.Id,
            Data: new { email = user.Email, added, removed }));
        await db.SaveChangesAsync(ct);
        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }
        return await SummaryAsync(user);
    }

    public async Task<UserSummary> SetLockAsync(string id, bool locked, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id) ?? throw new NotFoundException();
        if (locked && user.Id == caller.Current.Id)
        {
            throw InvalidException.Field("id", "You cannot lock yourself out.");
        }
        // Nobody could then grant Admin again (or unlock anyone) short of the command line on the server.
        if (locked && await users.IsInRoleAsync(user, Roles.Admin) && await IsLastActiveAdminAsync(user, ct))
        {
            throw InvalidException.Field("id", "This is the last admin who can sign in; make someone else an admin first.");
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        Check(await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null));
        if (!locked)
        {
            Check(await users.ResetAccessFailedCountAsync(user));
        }
        Check(await users.UpdateSecurityStampAsync(user));
        audit.Record(new AuditEvent(AuditCategories.Admin, locked ? AuditActions.UserLocked : AuditActions.UserUnlocked, "user", user.Id, Data: new { email = user.Email }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await SummaryAsync(user);
    }

    /// <summary>Creates a user directly (CLI). Audited like every other change.</summary>
    public async Task<IdentityResult> CreateUserAsync(string email, string password, IReadOnlyList<string> roles, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = clock.GetUtcNow() };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return result;
        }
        Check(await users.AddToRolesAsync(user, roles));
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.UserCreated, "user", user.Id, Data: new { email, roles }));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// A role is granted only by a caller (the scope's <see cref="Caller"/>) who holds every permission it grants (a key: its scopes), Admin only by an
    /// admin signed in with two-factor (ADR 0008). Taking roles away grants nothing and is not checked here.
    /// </summary>
    private async Task DemandMayGrantAsync(IReadOnlyList<string> added, AuditEvent attempted, CancellationToken ct)
    {
        var granted = Roles.PermissionsOf(added);
        if (Grants.Beyond(caller.Granted, granted) is { Count: > 0 } beyond)
        {
            audit.Record(attempted with { Outcome = AuditOutcomes.Denied, Data = new { reason = "beyond_granter", roles = added, beyond } });
            await db.SaveChangesAsync(ct);
            throw new ForbiddenException("You cannot grant permissions you do not hold",
                $"The roles {string.Join(", ", added)} grant {string.Join(", ", beyond)}, which "
                    + (caller.KeyId is not null ? "this key's scopes do not include." : "you do not hold."));
        }
        if (added.Contains(Roles.Admin) || Grants.NeedsAdmin(granted))
        {
            await presence.DemandAsync(caller, attempted, "Granting the Admin role", ct);
        }
    }

    /// <summary>Whether <paramref name="user"/> is the only admin left who can sign in (locked-out admins do not count).</summary>
    private async Task<bool> IsLastActiveAdminAsync(ConsoleUser user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var others = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            join u in db.Users on ur.UserId equals u.Id
                            where r.Name == Roles.Admin && u.Id != user.Id && (u.LockoutEnd == null || u.LockoutEnd <= now)
                            select u.Id).AnyAsync(ct);
        return !others;
    }

    private async Task<UserSummary> SummaryAsync(ConsoleUser user) => new(
        user.Id, user.Email ?? "", [.. (await users.GetRolesAsync(user)).Order()], user.TwoFactorEnabled,
        user.LockoutEnd is { } end && end > clock.GetUtcNow(), user.CreatedAt, user.LastSignInAt);

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
