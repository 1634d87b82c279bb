using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>The stored state at one moment: latest check results, valid attestations and exceptions in force.</summary>
public sealed class ComplianceSnapshot
{
    private ComplianceSnapshot(IReadOnlyDictionary<string, CheckSnapshot> checks, IReadOnlyList<ExceptionInForce> exceptions, IReadOnlySet<string> attested)
    {
        Checks = checks;
        Exceptions = exceptions;
        Attested = attested;
    }

    public IReadOnlyDictionary<string, CheckSnapshot> Checks { get; }
    public IReadOnlyList<ExceptionInForce> Exceptions { get; }
    public IReadOnlySet<string> Attested { get; }

    public static async Task<ComplianceSnapshot> LoadAsync(ConsoleDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var exceptions = (await db.ComplianceExceptions.AsNoTracking()
                .Where(e => e.Status == ExceptionStatuses.Approved && e.ExpiresAt > now).ToListAsync(ct))
            .Select(e => new ExceptionInForce(e.ControlId, e.Scope == "*" ? new HashSet<string>() : e.ScopeList.ToHashSet(StringComparer.Ordinal)))
            .ToList();
        var withExceptions = exceptions.Select(e => e.ControlId).ToHashSet();
        // Rows are only needed to see whether an exception covers every failing row.
        var states = await db.ComplianceCheckStates.AsNoTracking()
            .Select(s => new { s.CheckId, s.Status, s.Failing, Rows = s.Status == ComplianceStatuses.Fail ? s.Rows : null })
            .ToListAsync(ct);
        var attested = await db.ComplianceAttestations.AsNoTracking().Where(a => a.ValidUntil > now).Select(a => a.ControlId).Distinct().ToListAsync(ct);
        return new ComplianceSnapshot(
            states.ToDictionary(s => s.CheckId, s => new CheckSnapshot(s.CheckId, s.Status, s.Failing, withExceptions.Count > 0 ? s.Rows : null)),
            exceptions, attested.ToHashSet(StringComparer.Ordinal));
    }

    public string ControlStatus(Control control) =>
        ControlAggregation.ControlStatus(control, Checks, Exceptions, Attested.Contains(control.Id));
}

public static class ExceptionStatuses
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
}
