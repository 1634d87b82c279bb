using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection.Rules;

/// <summary>Failures per key, user and address; fires at the threshold and counts afresh.</summary>
public sealed class BruteForceEvaluator(CompiledRule rule, BruteForceParameters p) : RuleEvaluator(rule)
{
    private readonly Dictionary<string, SlidingCounter> _counters = p.By!.ToDictionary(k => k, _ => new SlidingCounter(rule.Window));

    public override void Observe(SecurityEvent e, List<Finding> found)
    {
        if (e.Outcome == EventOutcomes.Success || !p.EventTypes!.Any(f => RuleParameters.TypeMatches(f, e.Type)))
        {
            return;
        }
        foreach (var (kind, counter) in _counters)
        {
            if (e.Entity(kind) is not { } entity)
            {
                continue;
            }
            var n = counter.Add(entity, e.Time);
            if (n >= p.Threshold)
            {
                found.Add(new Finding(kind, entity, e.Time, $"{n} failed attempts by {KindName(kind)} {entity} within {Window}",
                    new { failures = n, windowSeconds = (int)Rule.Window.TotalSeconds, lastType = e.Type, lastEventId = e.Id }, e.Id));
                counter.Reset(entity);
            }
        }
    }

    public override void Trim(DateTimeOffset now)
    {
        foreach (var counter in _counters.Values)
        {
            counter.Trim(now);
        }
    }
}

/// <summary>Events of a type (and outcome) per entity reaching a threshold within the window.</summary>
public sealed class ThresholdEvaluator(CompiledRule rule, ThresholdParameters p) : RuleEvaluator(rule)
{
    private readonly SlidingCounter _counter = new(rule.Window);

    public override void Observe(SecurityEvent e, List<Finding> found)
    {
        if (!RuleParameters.TypeMatches(p.EventType, e.Type) || (p.Outcome is { } outcome && e.Outcome != outcome) || e.Entity(p.By) is not { } entity)
        {
            return;
        }
        var n = _counter.Add(entity, e.Time);
        if (n >= p.Threshold)
        {
            var title = p.Threshold == 1
                ? $"{e.Type} for {KindName(p.By)} {entity}"
                : $"{n} × {e.Type} for {KindName(p.By)} {entity} within {Window}";
            found.Add(new Finding(p.By, entity, e.Time, title,
                new { events = n, threshold = p.Threshold, windowSeconds = (int)Rule.Window.TotalSeconds, type = e.Type, lastEventId = e.Id }, e.Id));
            _counter.Reset(entity);
        }
    }

    public override void Trim(DateTimeOffset now) => _counter.Trim(now);
}

/// <summary>A revoked key still being presented: verification failures whose reason is "revoked", per key.</summary>
public sealed class RevokedKeyUseEvaluator(CompiledRule rule, RevokedKeyUseParameters p) : RuleEvaluator(rule)
{
    private readonly SlidingCounter _counter = new(rule.Window);

    public override void Observe(SecurityEvent e, List<Finding> found)
    {
        if (e.KeyPrefix is not { } key || !p.EventTypes!.Any(f => RuleParameters.TypeMatches(f, e.Type)) || e.Attribute("reason") != "revoked")
        {
            return;
        }
        var n = _counter.Add(key, e.Time);
        if (n >= p.Threshold)
        {
            var from = e.SourceIp is null ? "" : $" from {e.SourceIp}";
            found.Add(new Finding(EntityKinds.Key, key, e.Time, $"Revoked key {key} was presented {n} time{(n == 1 ? "" : "s")}{from}",
                new { attempts = n, windowSeconds = (int)Rule.Window.TotalSeconds, sourceIp = e.SourceIp, lastEventId = e.Id }, e.Id));
            _counter.Reset(key);
        }
    }

    public override void Trim(DateTimeOffset now) => _counter.Trim(now);
}
