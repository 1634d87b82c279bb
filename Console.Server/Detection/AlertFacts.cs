using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection;

public sealed record AlertFact(long Id, string RuleId, string Severity, string Status, string EntityKind, string EntityId, string Title, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt, string? Details);

public sealed record RuleFact(string Id, string Name, bool Enabled, bool BuiltIn);

/// <summary>The Detection feature's read door for other features (compliance checks): alerts, rules and the backlog.</summary>
public sealed class AlertFacts(ConsoleDbContext db)
{
    /// <summary>Open or acknowledged alerts of these severities, oldest first.</summary>
    public async Task<IReadOnlyList<AlertFact>> ActiveAsync(IReadOnlyCollection<string> severities, CancellationToken ct) =>
        (await db.AlertsSelect(db.Alerts.AsNoTracking()
            .Where(a => severities.Contains(a.Severity) && (a.Status == AlertStatuses.Open || a.Status == AlertStatuses.Acknowledged))
            .OrderBy(a => a.Id)).ToListAsync(ct)).Masked();

    /// <summary>How many alerts match <paramref name="where"/>, counted in the database.</summary>
    public Task<int> CountAsync(Expression<Func<Alert, bool>> where, CancellationToken ct) => db.Alerts.AsNoTracking().Where(where).CountAsync(ct);

    /// <summary>The first <paramref name="take"/> alerts matching <paramref name="where"/>, oldest first, filtered in the database.</summary>
    public async Task<IReadOnlyList<AlertFact>> WhereAsync(Expression<Func<Alert, bool>> where, int take, CancellationToken ct)
    {
        var ordered = db.Alerts.AsNoTracking().Where(where).OrderBy(a => a.Id);
        return (await db.AlertsSelect(take == int.MaxValue ? ordered : ordered.Take(take)).ToListAsync(ct)).Masked();
    }

    /// <summary>Alerts of one rule raised since a time (any status).</summary>
    public async Task<IReadOnlyList<AlertFact>> OfRuleAsync(string ruleId, DateTimeOffset since, CancellationToken ct) =>
        (await db.AlertsSelect(db.Alerts.AsNoTracking().Where(a => a.RuleId == ruleId && a.LastSeenAt >= since).OrderBy(a => a.Id)).ToListAsync(ct)).Masked();

    public async Task<IReadOnlyList<RuleFact>> RulesAsync(CancellationToken ct) =>
        [.. (await db.DetectionRules.AsNoTracking().Select(r => new { r.Id, r.Name, r.Enabled }).ToListAsync(ct))
            .Select(r => new RuleFact(r.Id, r.Name, r.Enabled, RuleAdmin.IsBuiltIn(r.Id)))];

    /// <summary>When the oldest batch of events still waiting for detection was written, or null when none waits.</summary>
    public async Task<DateTimeOffset?> OldestBacklogAsync(CancellationToken ct) =>
        await db.DetectionBacklog.AsNoTracking().OrderBy(b => b.CreatedAt).Select(b => (DateTimeOffset?)b.CreatedAt).FirstOrDefaultAsync(ct);
}

internal static class AlertFactQueries
{
    public static IQueryable<AlertFact> AlertsSelect(this ConsoleDbContext db, IQueryable<Alert> alerts) =>
        alerts.Select(a => new AlertFact(a.Id, a.RuleId, a.Severity, a.Status, a.EntityKind, a.EntityId, a.Title, a.CreatedAt, a.ClosedAt, a.Details));

    /// <summary>Compliance readers need not hold pii:read: the title reaches them built from its masked parts (ADR 0065).</summary>
    public static IReadOnlyList<AlertFact> Masked(this List<AlertFact> facts) =>
        [.. facts.Select(f => f with { Title = PersonalText.Mask(f.Title, Masking.Person, untyped: $"alert of rule {f.RuleId}")! })];
}
