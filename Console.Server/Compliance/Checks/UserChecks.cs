using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Compliance.Checks.CheckRow;

namespace SecurityConsole.Server.Compliance.Checks;

/// <summary>Checks over people: their accounts (UserFacts), the identity settings the console runs with, and role grants (AuditFacts).</summary>
public static class UserChecks
{
    private const string User = "user";
    private const string Setting = "setting";
    private const string UsersPage = "/admin/users";

    // Generic names say nothing about who holds the account (PCI DSS 8.2.2).
    private static readonly string[] GenericNames = ["admin", "administrator", "root", "test", "shared", "team", "info", "support", "service", "ops", "security", "user", "guest", "demo"];

    public static IEnumerable<CheckDefinition> All =>
    [
        new("two-factor-privileged", "Two-factor on privileged accounts", "Users (roles, two-factor, lock-out) and the privileged-roles parameter.",
            [CheckInputs.Users, CheckInputs.Compliance], TwoFactorAsync),
        new("inactive-accounts", "Inactive accounts", "Users' last sign-in (or creation) against the inactivity days.",
            [CheckInputs.Users, CheckInputs.Compliance], InactiveAsync),
        new("unique-accounts", "Unique, non-generic accounts", "Users' e-mail addresses.",
            [CheckInputs.Users], UniqueAsync),
        new("lockout-settings", "Lock-out settings", "The running Identity lock-out options.",
            [CheckInputs.Compliance], (c, _) => Task.FromResult(Lockout(c))),
        new("password-length", "Password length", "The running Identity password options.",
            [CheckInputs.Compliance], (c, _) => Task.FromResult(PasswordLength(c))),
        new("idle-session-timeout", "Idle session timeout", "The running sign-in cookie options (lifetime and sliding expiry).",
            [CheckInputs.Compliance], (c, _) => Task.FromResult(IdleTimeout(c))),
        new("role-grants-by-others", "Role grants by another authorised person", "Audit entries user.roles_changed and user.created (actor and target).",
            [CheckInputs.Users, CheckInputs.Audit], RoleGrantsAsync),
    ];

    private static async Task<IReadOnlyList<CheckRow>> TwoFactorAsync(CheckContext c, CancellationToken ct)
    {
        var privileged = c.Parameters.PrivilegedRoles.ToHashSet(StringComparer.Ordinal);
        var rows = new List<CheckRow>();
        foreach (var u in await c.UsersAsync(ct))
        {
            var held = u.Roles.Where(privileged.Contains).ToList();
            if (held.Count == 0 || u.Locked)
            {
                continue;
            }
            rows.Add(u.TwoFactor
                ? Pass(User, u.Email, $"{u.Email} ({string.Join(", ", held)}) signs in with two-factor.", UsersPage)
                : Fail(User, u.Email, $"{u.Email} holds {string.Join(", ", held)} but has two-factor turned off.", UsersPage));
        }
        return rows;
    }

    private static async Task<IReadOnlyList<CheckRow>> InactiveAsync(CheckContext c, CancellationToken ct)
    {
        var limit = TimeSpan.FromDays(c.Parameters.InactivityDays);
        return [.. (await c.UsersAsync(ct)).Where(u => !u.Locked).Select(u =>
        {
            var last = u.LastSignInAt ?? u.CreatedAt;
            var what = u.LastSignInAt is null ? "created" : "last signed in";
            return c.Now - last > limit
                ? Fail(User, u.Email, $"{u.Email} {what} {CheckRegistry.Ago(c.Now, last)} ago, beyond {c.Parameters.InactivityDays} days, and is not locked.", UsersPage)
                : Pass(User, u.Email, $"{u.Email} {what} {CheckRegistry.Ago(c.Now, last)} ago.", UsersPage);
        })];
    }

    private static async Task<IReadOnlyList<CheckRow>> UniqueAsync(CheckContext c, CancellationToken ct)
    {
        var users = await c.UsersAsync(ct);
        var twins = users.GroupBy(u => u.Email.Trim().ToUpperInvariant()).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return [.. users.Select(u =>
        {
            var local = u.Email.Split('@')[0].ToLowerInvariant();
            if (twins.Contains(u.Email.Trim().ToUpperInvariant()))
            {
                return Fail(User, u.Email, $"{u.Email} is the address of more than one account.", UsersPage);
            }
            return GenericNames.Contains(local) || GenericNames.Any(g => local.StartsWith(g + "-", StringComparison.Ordinal) || local.StartsWith(g + ".", StringComparison.Ordinal))
                ? Fail(User, u.Email, $"{u.Email} is a generic address that names no person.", UsersPage)
                : Pass(User, u.Email, $"{u.Email} is one person's own account.", UsersPage);
        })];
    }

    private static IReadOnlyList<CheckRow> Lockout(CheckContext c)
    {
        var o = c.Get<IOptions<IdentityOptions>>().Value.Lockout;
        var p = c.Parameters;
        if (!o.AllowedForNewUsers)
        {
            return [Fail(Setting, "Identity:Lockout", "Lock-out is turned off for new accounts.")];
        }
        if (o.MaxFailedAccessAttempts > p.MaxFailedAttempts)
        {
            return [Fail(Setting, "Identity:Lockout", $"An account locks after {o.MaxFailedAccessAttempts} failures; at most {p.MaxFailedAttempts} are allowed.")];
        }
        return o.DefaultLockoutTimeSpan < TimeSpan.FromMinutes(p.MinLockoutMinutes)
            ? [Fail(Setting, "Identity:Lockout", $"A lock-out lasts {o.DefaultLockoutTimeSpan.TotalMinutes:0} minutes; at least {p.MinLockoutMinutes} are required.")]
            : [Pass(Setting, "Identity:Lockout", $"An account locks after {o.MaxFailedAccessAttempts} failures for {o.DefaultLockoutTimeSpan.TotalMinutes:0} minutes.")];
    }

    private static IReadOnlyList<CheckRow> PasswordLength(CheckContext c)
    {
        var length = c.Get<IOptions<IdentityOptions>>().Value.Password.RequiredLength;
        return length >= c.Parameters.MinPasswordLength
            ? [Pass(Setting, "Identity:Password", $"Passwords must be at least {length} characters.")]
            : [Fail(Setting, "Identity:Password", $"Passwords may be as short as {length} characters; at least {c.Parameters.MinPasswordLength} are required.")];
    }

    private static IReadOnlyList<CheckRow> IdleTimeout(CheckContext c)
    {
        var o = c.Get<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var max = TimeSpan.FromMinutes(c.Parameters.MaxIdleMinutes);
        // With sliding expiry the lifetime is the idle limit; without it a session lives its whole lifetime regardless.
        var what = o.SlidingExpiration ? "an idle session ends after" : "a session lasts";
        return o.ExpireTimeSpan <= max
            ? [Pass(Setting, "sign-in cookie", $"Signed in, {what} {o.ExpireTimeSpan.TotalMinutes:0} minutes.")]
            : [Fail(Setting, "sign-in cookie", $"Signed in, {what} {o.ExpireTimeSpan.TotalMinutes:0} minutes; at most {c.Parameters.MaxIdleMinutes} are allowed.")];
    }

    private static async Task<IReadOnlyList<CheckRow>> RoleGrantsAsync(CheckContext c, CancellationToken ct)
    {
        var audit = c.Get<AuditFacts>();
        var since = c.Now.AddDays(-c.Parameters.AccessReviewDays);
        var rows = new List<CheckRow>();
        foreach (var action in new[] { AuditActions.UserRolesChanged, AuditActions.UserCreated })
        {
            foreach (var e in await audit.ActionsAsync(action, since, ct))
            {
                var id = $"audit #{e.Sequence}";
                var link = $"/audit?sequence={e.Sequence}";
                rows.Add(e.ActorType == "user" && e.ActorId == e.TargetId && action == AuditActions.UserRolesChanged
                    ? Fail("audit entry", id, $"A person changed their own roles (entry #{e.Sequence}, {e.Time:yyyy-MM-dd HH:mm} UTC).", link)
                    : e.ActorType is "user" or "system" or "key"
                        ? Pass("audit entry", id, $"{action} by {e.ActorType} {e.ActorId} for another account.", link)
                        : Fail("audit entry", id, $"{action} was made by an unidentified {e.ActorType} actor.", link));
            }
        }
        return rows;
    }

    /// <summary>The permissions a role set grants that let someone read the audit trail (for the readers check).</summary>
    internal static bool ReadsAudit(IEnumerable<string> roles) => Roles.PermissionsOf(roles).Contains(Permissions.AuditRead);
}
