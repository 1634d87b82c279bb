using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>The key figures other features show (the dashboard's cards), counted by the feature that owns the rules.</summary>
public sealed class KeyCounts(ConsoleDbContext db, KeyPolicyStore policies)
{
    /// <summary>The keys list's own "Active" filter (KeyList), which the dashboard's card links to: the numbers agree.</summary>
    public Task<int> ActiveAsync(DateTimeOffset now, CancellationToken ct) =>
        db.ApiKeys.CountAsync(KeyList.StatusIs(KeyStatuses.Active, now), ct);

    /// <summary>Live keys older than the rotation policy's maximum age for their environment.</summary>
    public async Task<int> OverdueRotationAsync(DateTimeOffset now, CancellationToken ct) =>
        await KeyRotationPolicy.CountOverdueAsync(db.ApiKeys, await policies.GetAsync(ct), now, ct);

    /// <summary>Key requests waiting for an approver.</summary>
    public Task<int> PendingRequestsAsync(CancellationToken ct) =>
        db.KeyRequests.CountAsync(r => r.Status == KeyRequestStatuses.Pending, ct);
}
