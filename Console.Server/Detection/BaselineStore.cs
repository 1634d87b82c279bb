using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection.Rules;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Saves what the rules learned per entity (entity_baselines) every few seconds and at shutdown, and loads it
/// when a rule starts afresh. State learned under other parameters is ignored: a tuned rule learns anew.
/// With several nodes each saves what it learned from its own events; the last save wins.
/// </summary>
public sealed class BaselineStore(IServiceScopeFactory scopes, ConsoleSettings settings, TimeProvider clock, ILogger<BaselineStore> logger)
{
    /// <summary>Rows per upsert statement: 6 parameters each, well under SQLite's and PostgreSQL's limits.</summary>
    private const int RowsPerStatement = 200;

    private const string Upsert =
        """
        INSERT INTO entity_baselines ("RuleId", "EntityKind", "EntityId", "ParametersHash", "State", "UpdatedAt")
        VALUES {0}
        ON CONFLICT ("RuleId", "EntityKind", "EntityId")
        DO UPDATE SET "ParametersHash" = excluded."ParametersHash", "State" = excluded."State", "UpdatedAt" = excluded."UpdatedAt"
        """;

    /// <summary>What the rules learned since the last call, taken from them: on the pipeline's thread, which alone touches the evaluators.</summary>
    public static List<LearnedState> TakeDirty(RuleEngine engine) =>
    [
        .. engine.Evaluators
            .Where(e => e is IBaselineEvaluator)
            .SelectMany(e => ((IBaselineEvaluator)e).TakeDirty().Select(d => new LearnedState(e.Rule.Id, e.Rule.LearningHash, d.Kind, d.Id, d.State))),
    ];

    public Task FlushAsync(RuleEngine engine, CancellationToken ct) => SaveAsync(TakeDirty(engine), ct);

    /// <summary>Upserts the states in one transaction, many rows per statement (thousands of entities are saved every 30 s).</summary>
    public async Task SaveAsync(IReadOnlyList<LearnedState> pending, CancellationToken ct)
    {
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
        foreach (var chunk in pending.Chunk(RowsPerStatement))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"({{{6 * i}}}, {{{6 * i + 1}}}, {{{6 * i + 2}}}, {{{6 * i + 3}}}, {{{6 * i + 4}}}, {{{6 * i + 5}}})"));
            var parameters = chunk.SelectMany(b => new object[] { b.RuleId, b.Kind, b.Id, b.ParametersHash, b.State, at });
            await db.Database.ExecuteSqlRawAsync(Upsert.Replace("{0}", values, StringComparison.Ordinal), parameters, ct);
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

/// <summary>One entity's learned state under one rule, ready to save.</summary>
public sealed record LearnedState(string RuleId, string ParametersHash, string Kind, string Id, string State);
