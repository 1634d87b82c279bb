using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Users;

/// <summary>
/// The step-up the privilege model (ADR 0008) asks for where one act could lead anywhere: granting Admin or
/// users:manage, or changing the key policy. Only a person may do it — a signed-in session, never a key — who holds
/// users:manage and has two-factor sign-in on, read from the database at the moment of the act.
/// </summary>
public sealed class AdminPresence(UserManager<ConsoleUser> users, ConsoleDbContext db, AuditTrail audit)
{
    public const string Title = "An admin signed in with two-factor must do this";

    /// <summary>
    /// Returns when the caller may go on; otherwise commits a denied audit entry for <paramref name="attempted"/> (the act
    /// as it would have been recorded) and throws <see cref="ForbiddenException"/> saying what is missing.
    /// </summary>
    public async Task DemandAsync(
        string userId, bool viaKey, IReadOnlySet<string> granted, AuditEvent attempted, string what, CancellationToken ct)
    {
        var missing = viaKey ? "key"
            : !granted.Contains(Permissions.UsersManage) ? "admin"
            : await users.FindByIdAsync(userId) is not { TwoFactorEnabled: true } ? "two_factor"
            : null;
        if (missing is null)
        {
            return;
        }
        // A refused attempt at the top of the privilege ladder is worth finding again: it goes into the trail.
        audit.Record(attempted with { Outcome = AuditOutcomes.Denied, Data = new { reason = "admin_presence", missing } });
        await db.SaveChangesAsync(ct);
        var detail = missing switch
        {
            "key" => $"{what} needs an admin signed in with two-factor, never a key: sign in to the console to do it.",
            "admin" => $"{what} needs an admin signed in with two-factor.",
            _ => $"{what} needs an admin signed in with two-factor: turn on two-factor sign-in (Account → Two-factor authentication), then try again.",
        };
        throw new ForbiddenException(Title, detail);
    }

    /// <summary>The same check for the caller of this scope (people and keys alike).</summary>
    public Task DemandAsync(Caller caller, AuditEvent attempted, string what, CancellationToken ct) =>
        DemandAsync(caller.UserId ?? "", caller.KeyId is not null, caller.Granted, attempted, what, ct);
}
