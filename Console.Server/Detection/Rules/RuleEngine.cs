using System.Security.Cryptography;
using System.Text;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection.Rules;

/// <summary>A rule ready to evaluate: its row's settings with typed parameters.</summary>
public sealed record CompiledRule(
    string Id, string Name, string Type, string Severity, TimeSpan Window, TimeSpan Grouping, IRuleParameters Parameters, int Version)
{
    private (IRuleParameters Parameters, TimeSpan Window, string Type, string Hash)? _learning;

    /// <summary>Changes when what the rule learns or counts changes (type, window, parameters), not its name or severity.</summary>
    public string LearningHash
    {
        get
        {
            // Checked against the current values: a copy made with `with` carries the cache along.
            if (_learning is not { } l || !ReferenceEquals(l.Parameters, Parameters) || l.Window != Window || l.Type != Type)
            {
                _learning = l = (Parameters, Window, Type, Hash($"{Type}|{Window.Ticks}|{RuleParameters.Serialize(Parameters)}"));
            }
            return l.Hash;
        }
    }

    public static CompiledRule From(DetectionRule row) => new(
        row.Id, row.Name, row.Type, row.Severity, TimeSpan.FromSeconds(row.WindowSeconds), TimeSpan.FromSeconds(row.GroupingSeconds),
        RuleParameters.ParseStored(row.Type, row.Parameters), row.Version);

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
}

/// <summary>
/// What a rule found: one entity, at the time of the event that tipped it. <see cref="Title"/> says what happened, to or
/// by whom, how much against what normal, over what window; <see cref="Summary"/> adds the evidence behind it.
/// </summary>
public sealed record Finding(string EntityKind, string EntityId, DateTimeOffset At, string Title, object Details, long EventId)
{
    public string? Summary { get; init; }

    /// <summary>
    /// For findings that each stand for single occurrences (a revoked key presented, a leak reported): the title of an
    /// alert that groups this many of them, so that it reads "presented 3 times", not the latest finding's "once".
    /// </summary>
    public Func<int, string?>? GroupedTitle { get; init; }

    public string TitleFor(int grouped) => GroupedTitle?.Invoke(grouped) ?? Title;
}

public sealed record RuleHit(CompiledRule Rule, Finding Finding);

/// <summary>One rule's in-memory state. Evaluators are used by one thread (the pipeline) only.</summary>
public abstract class RuleEvaluator(CompiledRule rule)
{
    /// <summary>Replaced when only name, severity or grouping change, so that learned state survives.</summary>
    public CompiledRule Rule { get; set; } = rule;

    public abstract void Observe(SecurityEvent e, List<Finding> found);

    /// <summary>Forgets state not touched since well before <paramref name="now"/> (event time).</summary>
    public virtual void Trim(DateTimeOffset now)
    {
    }

    /// <summary>At most this many entities per rule are held in memory.</summary>
    public const int MaxEntities = 100_000;

    /// <summary>The rule's window in words: "5 minutes".</summary>
    protected string Window => AlertWording.Duration(Rule.Window);
}

/// <summary>A rule that learns per entity and keeps what it learned in entity_baselines.</summary>
public interface IBaselineEvaluator
{
    /// <summary>Entities whose state changed since the last call, with the state as JSON.</summary>
    IReadOnlyList<(string Kind, string Id, string State)> TakeDirty();

    void Load(string kind, string id, string state);
}

/// <summary>All enabled rules with their state; <see cref="Apply"/> swaps in changed rules without losing the others' state.</summary>
public sealed class RuleEngine
{
    private Dictionary<string, RuleEvaluator> _evaluators = new(StringComparer.Ordinal);
    private DateTimeOffset _newest = DateTimeOffset.MinValue;
    private long _observed;

    public IReadOnlyCollection<RuleEvaluator> Evaluators => _evaluators.Values;

    /// <summary>Installs these rules; returns the evaluators that start afresh (to load baselines into).</summary>
    public IReadOnlyList<RuleEvaluator> Apply(IEnumerable<CompiledRule> rules)
    {
        var next = new Dictionary<string, RuleEvaluator>(StringComparer.Ordinal);
        var fresh = new List<RuleEvaluator>();
        foreach (var rule in rules)
        {
            if (_evaluators.TryGetValue(rule.Id, out var existing) && existing.Rule.LearningHash == rule.LearningHash)
            {
                existing.Rule = rule;
                next[rule.Id] = existing;
            }
            else
            {
                var created = Create(rule);
                next[rule.Id] = created;
                fresh.Add(created);
            }
        }
        _evaluators = next;
        return fresh;
    }

    public List<RuleHit> Evaluate(IEnumerable<SecurityEvent> events)
    {
        var detections = new List<RuleHit>();
        var found = new List<Finding>();
        foreach (var e in events)
        {
            foreach (var evaluator in _evaluators.Values)
            {
                evaluator.Observe(e, found);
                foreach (var f in found)
                {
                    detections.Add(new RuleHit(evaluator.Rule, f));
                }
                found.Clear();
            }
            if (e.Time > _newest)
            {
                _newest = e.Time;
            }
            if (++_observed % 10_000 == 0)
            {
                Trim();
            }
        }
        return detections;
    }

    public void Trim()
    {
        foreach (var evaluator in _evaluators.Values)
        {
            evaluator.Trim(_newest);
        }
    }

    public static RuleEvaluator Create(CompiledRule rule) => rule.Parameters switch
    {
        BruteForceParameters p => new BruteForceEvaluator(rule, p),
        ThresholdParameters p => new ThresholdEvaluator(rule, p),
        RevokedKeyUseParameters p => new RevokedKeyUseEvaluator(rule, p),
        RateAnomalyParameters p => new RateAnomalyEvaluator(rule, p),
        NewNetworkParameters p => new NewNetworkEvaluator(rule, p),
        UnusualHoursParameters p => new UnusualHoursEvaluator(rule, p),
        _ => throw new InvalidOperationException($"No evaluator for {rule.Type}."),
    };
}
