using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Hosting;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Saves what the rules learned per entity (entity_baselines) every few seconds and at shutdown, and loads it
/// when a rule starts afresh. State learned under other parameters is ignored: a tuned rule learns anew.
/// With several nodes each saves what it learned from its own events; the last save wins.
/// </summary>
public sealed class BaselineStore(IServiceScopeFactory scopes, ConsoleSettings settings, TimeProvider clock, ILogger<BaselineStore> logger)
{
    private const string UpsertSql =
        """
        INSERT INTO entity_baselines ("RuleId", "EntityKind", "EntityId", "ParametersHash", "State", "UpdatedAt")
        VALUES ({0}, {1}, {2}, {3}, {4}, {5})
        ON CONFLICT ("RuleId", "EntityKind", "EntityId")
        DO UPDATE SET "ParametersHash" = excluded."ParametersHash", "State" = excluded."State", "UpdatedAt" = excluded."UpdatedAt"
        """;

    public async Task FlushAsync(RuleEngine engine, CancellationToken ct)
    {
        var pending = engine.Evaluators
            .Where(e => e is IBaselineEvaluator)
            .SelectMany(e => ((IBaselineEvaluator)e).TakeDirty().Select(d => (e.Rule, d.Kind, d.Id, d.State)))
            .ToList();
        if (pending.Count == 0)
        {
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var now = clock.GetUtcNow();
        // SQLite keeps times as UTC ticks (see SqliteConsoleDbContext); raw SQL must do the same.
        object at = settings.Provider == DatabaseProvider.Sqlite ? now.UtcTicks : now;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var (rule, kind, id, state) in pending)
        {
            await db.Database.ExecuteSqlRawAsync(UpsertSql, [rule.Id, kind, id, rule.LearningHash, state, at], ct);
        }
        await tx.CommitAsync(ct);
        logger.LogDebug("Saved {Count} baselines", pending.Count);
    }

    public async Task LoadAsync(ConsoleDbContext db, IEnumerable<RuleEvaluator> evaluators, CancellationToken ct)
    {
        foreach (var evaluator in evaluators)
        {
            if (evaluator is not IBaselineEvaluator learner)
            {
                continue;
            }
            var rule = evaluator.Rule;
            var rows = await db.EntityBaselines.AsNoTracking()
                .Where(b => b.RuleId == rule.Id && b.ParametersHash == rule.LearningHash)
                .OrderByDescending(b => b.UpdatedAt).Take(RuleEvaluator.MaxEntities)
                .Select(b => new { b.EntityKind, b.EntityId, b.State })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                learner.Load(row.EntityKind, row.EntityId, row.State);
            }
        }
    }
}
