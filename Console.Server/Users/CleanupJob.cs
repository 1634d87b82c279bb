using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Users;

/// <summary>Daily Hangfire job: drops spent or expired setup links and long-closed invitations.</summary>
public sealed class CleanupJob(ConsoleDbContext db, TimeProvider clock, ILogger<CleanupJob> logger)
{
    public const string Id = "cleanup-links";

    public async Task RunAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tokens = await db.SetupTokens.Where(t => t.ExpiresAt < now || t.UsedAt != null).ExecuteDeleteAsync(ct);
        var cutoff = now.AddDays(-30);
        var invitations = await db.Invitations
            .Where(i => i.ExpiresAt < cutoff || (i.AcceptedAt != null && i.AcceptedAt < cutoff) || (i.RevokedAt != null && i.RevokedAt < cutoff))
            .ExecuteDeleteAsync(ct);
        logger.LogInformation("Cleanup removed {Tokens} setup links and {Invitations} closed invitations", tokens, invitations);
    }
}
