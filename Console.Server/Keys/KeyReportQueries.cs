using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Keys;

/// <summary>A key as reports read it: no hash, no secret.</summary>
public sealed record KeyReportRow(
    Guid Id, string Name, string DisplayKey, string OwnerUserId, string? OwnerEmail, string? Service, string Environment, string Status,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, bool RotationOverdue);

/// <summary>The keys feature's reads for reports: every key page by page with its status and rotation state at a moment, and use per key in a period.</summary>
public sealed class KeyReportQueries(ConsoleDbContext db, KeyPolicyStore policies)
{
    private const int Page = 500;

    public async IAsyncEnumerable<KeyReportRow> KeysAsync(string? environment, DateTimeOffset asOf, [EnumeratorCancellation] CancellationToken ct)
    {
        var policy = await policies.GetAsync(ct);
        // Keys are few next to events: offset paging over the primary key is enough here.
        for (var skip = 0; ; skip += Page)
        {
            var q = db.ApiKeys.AsNoTracking().Where(k => k.CreatedAt <= asOf);
            if (environment is not null)
            {
                q = q.Where(k => k.Environment == environment);
            }
            var rows = await q.OrderBy(k => k.Id).Skip(skip).Take(Page)
                .Select(k => new { Key = k, Email = db.Users.Where(u => u.Id == k.OwnerUserId).Select(u => u.Email).FirstOrDefault() })
                .ToListAsync(ct);
            foreach (var r in rows)
            {
                var k = r.Key;
                var status = k.StatusAt(asOf);
                var live = status is not (Shared.Keys.KeyStatuses.Revoked or Shared.Keys.KeyStatuses.Expired);
                yield return new KeyReportRow(k.Id, k.Name, k.DisplayKey, k.OwnerUserId, r.Email, k.Service, k.Environment, status, k.CreatedAt,
                    k.LastUsedAt is { } used && used <= asOf ? used : null, live && KeyRotationPolicy.IsOverdue(policy, k, asOf));
            }
            if (rows.Count < Page)
            {
                yield break;
            }
        }
    }

    /// <summary>Verifications per key between two moments.</summary>
    public async Task<Dictionary<Guid, long>> UsageAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        (await db.ApiKeyUsage.AsNoTracking().Where(u => u.Minute >= from && u.Minute <= to)
            .GroupBy(u => u.KeyId).Select(g => new { g.Key, Count = g.Sum(u => (long)u.Count) }).ToListAsync(ct))
        .ToDictionary(x => x.Key, x => x.Count);
}
