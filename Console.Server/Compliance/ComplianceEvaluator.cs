using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Runs checks and stores their latest results, then lets <see cref="ControlStatusRecorder"/> aggregate every control
/// from the latest result of every check mapped to it. A check that throws is stored as error (logged and traced) and
/// keeps its last good result; nothing else stops.
/// </summary>
public sealed class ComplianceEvaluator(
    ConsoleDbContext db, IServiceProvider services, ComplianceSettings settings, ComplianceCatalogue catalogue,
    ControlStatusRecorder recorder, EvaluationGate gate, TimeProvider clock, ILogger<ComplianceEvaluator> logger)
{
    /// <summary>Failing rows kept per check (all of them up to this), plus a sample of the others for the page.</summary>
    public const int MaxFailingRows = 2000;
    public const int MaxOtherRows = 200;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    private static readonly TimeSpan SlowEvaluation = TimeSpan.FromSeconds(5);

    private static readonly ActivitySource Trace = new("SecurityConsole.Compliance");

    public async Task<IReadOnlyList<ComplianceChange>> RunAsync(IReadOnlyCollection<CheckDefinition> checks, CancellationToken ct)
    {
        using var activity = Trace.StartActivity("compliance.evaluate");
        activity?.SetTag("compliance.checks", checks.Count);
        // Reading (the checks, the long part) runs beside other evaluations: a re-run of the key checks over 100,000 keys
        // does not hold back the user checks of an unrelated change (ADR 0166). The signal runner never runs one check twice
        // at once; where the sweep or POST /evaluate reads a check the runner is reading too, the result read from the
        // later "now" is kept (StoreAsync), and a change committed meanwhile has made the runner read it once more after.
        var now = clock.GetUtcNow();
        var outcomes = await ReadAsync(checks, now, ct);
        // Storing and recording, one evaluation at a time on a node (the recorder compares with what the last one stored);
        // the recording's time is taken in turn, so that status changes are recorded in time order.
        await gate.WaitAsync(ct);
        try
        {
            await StoreAsync([.. checks.Select(c => c.Id)], outcomes, now, ct);
            var recordedAt = clock.GetUtcNow();
            return await recorder.RecordAsync(recordedAt > now ? recordedAt : now, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<List<(CheckDefinition Check, CheckOutcome? Outcome, Exception? Error)>> ReadAsync(
        IReadOnlyCollection<CheckDefinition> checks, DateTimeOffset now, CancellationToken ct)
    {
        var doc = await settings.GetAsync(ct);
        var context = new CheckContext(services, now, doc.Parameters, [.. catalogue.Frameworks.Where(f => doc.Enabled.Contains(f.Id))])
        {
            // Checks that count in the database read only what is kept below.
            Limits = new RowLimits(MaxFailingRows, MaxOtherRows),
        };
        var outcomes = new List<(CheckDefinition Check, CheckOutcome? Outcome, Exception? Error)>();
        var took = new List<(string Check, TimeSpan Time)>();
        var watch = Stopwatch.StartNew();
        foreach (var check in checks)
        {
            var started = watch.Elapsed;
            outcomes.Add(await RunOneAsync(check, context, ct));
            took.Add((check.Id, watch.Elapsed - started));
        }
        // What an evaluation costs, and where: at debug level always, and as information when one runs past the 5 s goal
        // of a full evaluation (docs/compliance.md, "Performance").
        var level = watch.Elapsed >= SlowEvaluation ? LogLevel.Information : LogLevel.Debug;
        if (logger.IsEnabled(level))
        {
            logger.Log(level, "Compliance: {Count} checks ran in {Milliseconds} ms; slowest {Slowest}", checks.Count, (long)watch.Elapsed.TotalMilliseconds,
                string.Join(", ", took.OrderByDescending(t => t.Time).Take(5).Select(t => $"{t.Check} {t.Time.TotalMilliseconds:F0} ms")));
        }
        return outcomes;
    }

    private async Task StoreAsync(
        List<string> ids, List<(CheckDefinition Check, CheckOutcome? Outcome, Exception? Error)> outcomes, DateTimeOffset now, CancellationToken ct)
    {
        // Under the lock: a node inserting a check's first state waits for another doing the same, then updates it.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ComplianceStateLock.TakeAsync(db, ct);
        var states = await db.ComplianceCheckStates.Where(s => ids.Contains(s.CheckId)).ToDictionaryAsync(s => s.CheckId, ct);
        foreach (var (check, rows, error) in outcomes)
        {
            if (!states.TryGetValue(check.Id, out var state))
            {
                state = new CheckState { CheckId = check.Id, Status = ComplianceStatuses.Error, Rows = "[]" };
                db.ComplianceCheckStates.Add(state);
            }
            if (state.EvaluatedAt > now)
            {
                // A later evaluation (the sweep, an API call, another node) already stored a fresher result: rows read
                // before a change must never overwrite rows read after it.
                continue;
            }
            Apply(state, rows, error, now);
            state.Version++;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another node stored a result of the same check at the same moment: its result is as fresh as ours.
            db.ChangeTracker.Clear();
        }
        await tx.CommitAsync(ct);
    }

    private async Task<(CheckDefinition, CheckOutcome?, Exception?)> RunOneAsync(CheckDefinition check, CheckContext context, CancellationToken ct)
    {
        using var activity = Trace.StartActivity("compliance.check");
        activity?.SetTag("compliance.check", check.Id);
        try
        {
            return (check, CheckOutcome.Of(await check.Evaluate(context, ct)), null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Compliance check {Check} could not evaluate", check.Id);
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error);
            return (check, null, ex);
        }
    }

    private static void Apply(CheckState state, CheckOutcome? outcome, Exception? error, DateTimeOffset now)
    {
        state.EvaluatedAt = now;
        if (outcome is null)
        {
            // The last good result stays where it is: the page shows it next to the error.
            if (state.Status != ComplianceStatuses.Error)
            {
                state.LastGoodStatus = state.Status;
                state.LastGoodAt ??= now;
            }
            state.Status = ComplianceStatuses.Error;
            state.Error = Cut($"{error?.GetType().Name}: {error?.Message.Split('\n')[0]}", 500);
            return;
        }
        state.Status = outcome.Status;
        state.Error = null;
        state.LastGoodStatus = outcome.Status;
        state.LastGoodAt = now;
        state.Failing = outcome.Failing;
        state.Passing = outcome.Passing;
        state.Rows = JsonSerializer.Serialize(outcome.Kept.Select(r => new CheckRowView(r.ResourceType, r.ResourceId, r.Status, r.Reason, r.Link)), Json);
    }

    /// <summary>
    /// What is kept of a check's rows: its status, its counts and the rows the page shows (every failing row up to
    /// <see cref="MaxFailingRows"/>, then a sample of the others). Taken as soon as the check returns, so that an
    /// evaluation holds one check's full rows at a time, not every check's: seven key checks of 100,000 rows each, all
    /// held until the store, were the first full evaluation's 229 MB of growth (bench/RESULTS.md, issue 12).
    /// </summary>
    private sealed record CheckOutcome(string Status, int Failing, int Passing, IReadOnlyList<CheckRow> Kept)
    {
        public static CheckOutcome Of(IReadOnlyList<CheckRow> rows)
        {
            if (rows is CountedRows counted)
            {
                // Counted in the database: the status and counts are over every row, kept or not (ADR 0119).
                var present = counted.Counts.Where(c => c.Value > 0).ToList();
                return new(ComplianceStatuses.Worst(present.Select(c => c.Key)), counted.Counts.GetValueOrDefault(ComplianceStatuses.Fail),
                    present.Where(c => ComplianceStatuses.IsPassing(c.Key)).Sum(c => c.Value),
                    [.. counted.Where(r => r.Status == ComplianceStatuses.Fail).Take(MaxFailingRows), .. counted.Where(r => r.Status != ComplianceStatuses.Fail).Take(MaxOtherRows)]);
            }
            List<CheckRow> failing = [], others = [];
            var (fail, pass) = (0, 0);
            foreach (var row in rows)
            {
                if (row.Status == ComplianceStatuses.Fail)
                {
                    fail++;
                    if (failing.Count < MaxFailingRows)
                    {
                        failing.Add(row);
                    }
                    continue;
                }
                if (ComplianceStatuses.IsPassing(row.Status))
                {
                    pass++;
                }
                if (others.Count < MaxOtherRows)
                {
                    others.Add(row);
                }
            }
            return new(ComplianceStatuses.Worst(rows.Select(r => r.Status)), fail, pass, [.. failing, .. others]);
        }
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

/// <summary>Lets one compliance evaluation at a time store its results and record status changes on this node.</summary>
public sealed class EvaluationGate : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task WaitAsync(CancellationToken ct) => _gate.WaitAsync(ct);

    public void Release() => _gate.Release();

    public void Dispose() => _gate.Dispose();
}
