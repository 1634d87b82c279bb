using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Users;

/// <summary>The people figures other features show (the dashboard's cards).</summary>
public sealed class UserCounts(ConsoleDbContext db)
{
    public Task<int> PeopleAsync(CancellationToken ct) => db.Users.CountAsync(ct);

    /// <summary>Invitations sent and not yet accepted, revoked or expired.</summary>
    public Task<int> OpenInvitationsAsync(DateTimeOffset now, CancellationToken ct) =>
        db.Invitations.CountAsync(i => i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now, ct);
}
