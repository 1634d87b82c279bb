using SecurityConsole.Server.Common;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;
using static SecurityConsole.Server.Detection.Rules.AlertWording;

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
            // Per address, whom it tried matters (one account guessed, or many sprayed); per key or user, from where.
            var target = kind != EntityKinds.Ip ? null : e.Actor is { } actor ? "user:" + actor : e.KeyPrefix is { } key ? "key:" + key : null;
            var n = counter.Add(entity, e.Time, e.Type, e.SourceIp, target);
            if (n >= p.Threshold)
            {
                var (type, ip, whom) = counter.Facets(entity);
                counter.Reset(entity);
                if (kind == EntityKinds.Ip && OneIncident(whom))
                {
                    // One person (or key) guessed at from one address is one incident: the person's alert names the
                    // address; a second alert by address would say the same thing twice (issue 14).
                    continue;
                }
                found.Add(new Finding(kind, entity, e.Time, Title(kind, entity, n, type, ip, whom),
                    new { failures = n, threshold = p.Threshold, windowSeconds = (int)Rule.Window.TotalSeconds, lastType = e.Type, lastEventId = e.Id }, e.Id)
                {
                    Summary = $"Last attempt at {Clock(e.Time)}: {Describe(e)}.",
                });
            }
        }
    }

    /// <summary>Every attempt from the address was at one account or key that this rule also counts by itself.</summary>
    private bool OneIncident(Facet whom) => whom is { Varied: false, Value: { } v }
        && ((v.StartsWith("user:", StringComparison.Ordinal) && _counters.ContainsKey(EntityKinds.User))
            || (v.StartsWith("key:", StringComparison.Ordinal) && _counters.ContainsKey(EntityKinds.Key)));

    /// <summary>"12 failed sign-ins for alice@example.com from 203.0.113.7 in 5 minutes (threshold 10)".</summary>
    private string Title(string kind, string entity, int n, Facet type, Facet ip, Facet whom)
    {
        var what = $"{Count(n)} {FailureNoun(type.Varied ? null : type.Value, n, kind)}";
        var who = kind == EntityKinds.Ip ? $"{Whom(whom, type)} from {Entity(kind, entity)}" : $" {Subject(kind, entity)}{From(ip)}";
        return $"{what}{who} in {Window} (threshold {Count(p.Threshold)})";
    }

    private static string Whom(Facet whom, Facet type) => whom switch
    {
        { Varied: true } => type.Value switch
        {
            SecurityEventTypes.LoginFailed => " against different accounts",
            SecurityEventTypes.KeyVerifyFailed => " with different keys",
            _ => " against different accounts or keys",
        },
        { Value: { } v } when v.StartsWith("user:", StringComparison.Ordinal) => $" for {Person(v[5..])}",
        { Value: { } v } when v.StartsWith("key:", StringComparison.Ordinal) => $" for key {PersonalText.Strip(v[4..])}",
        _ => "",
    };

    public override void Trim(DateTimeOffset now)
    {
        foreach (var counter in _counters.Values)
        {
            counter.Trim(now);
        }
    }

    internal static string From(Facet ip) => ip switch
    {
        { Varied: true } => " from different addresses",
        { Value: { } v } => $" from {Address(v)}",
        _ => "",
    };
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
        var n = _counter.Add(entity, e.Time, e.Type, e.SourceIp);
        if (n >= p.Threshold)
        {
            var details = new { events = n, threshold = p.Threshold, windowSeconds = (int)Rule.Window.TotalSeconds, type = e.Type, lastEventId = e.Id };
            if (p.Threshold == 1)
            {
                found.Add(new Finding(p.By, entity, e.Time, Single(e, entity, 1), details, e.Id)
                {
                    Summary = SingleSummary(e),
                    GroupedTitle = grouped => Single(e, entity, grouped),
                });
            }
            else
            {
                var (type, ip, _) = _counter.Facets(entity);
                var noun = Noun(type.Varied ? p.EventType : type.Value ?? e.Type, p.Outcome, n, p.By);
                var from = p.By == EntityKinds.Ip ? "" : BruteForceEvaluator.From(ip);
                found.Add(new Finding(p.By, entity, e.Time,
                    $"{Count(n)} {noun} {Subject(p.By, entity, user: "by")}{from} in {Window} (threshold {Count(p.Threshold)})", details, e.Id)
                {
                    Summary = $"Last at {Clock(e.Time)}: {Describe(e)}.",
                });
            }
            _counter.Reset(entity);
        }
    }

    /// <summary>A rule on single events: the alert reads as the event, and as how often it happened once grouped.</summary>
    private string Single(SecurityEvent e, string entity, int times)
    {
        var from = e.SourceIp is { } ip && p.By != EntityKinds.Ip ? $" from {Address(ip)}" : "";
        var last = times > 1 ? ", last" : "";
        switch (e.Type)
        {
            case SecurityEventTypes.KeyLeakReported when p.By == EntityKinds.Key:
                var by = e.Attribute("reportedBy") is { } reporter ? $"{last} by {Person(reporter)}" : "";
                if (times > 1)
                {
                    return $"Key {entity} reported leaked {Times(times)}{by}";
                }
                return e.Attribute("outcome") switch
                {
                    "revoked" => $"Key {entity} reported leaked{by} and revoked at once",
                    "already_revoked" => $"Key {entity} reported leaked{by} (it was already revoked)",
                    _ => $"Key {entity} reported leaked{by}",
                };
            case SecurityEventTypes.Lockout when p.By == EntityKinds.User:
                return $"{Entity(p.By, entity)} locked out{(times > 1 ? " " + Times(times) : "")} after repeated failed sign-ins{(from.Length > 0 ? $"{last}{from}" : "")}";
            default:
                var noun = Noun(e.Type, p.Outcome, times, p.By);
                // A service's own type keeps its spelling, even to open the sentence.
                var what = times > 1 ? $"{Count(times)} {noun}" : noun.StartsWith(e.Type, StringComparison.Ordinal) ? noun : EventTypeNames.Capitalize(noun);
                return $"{what} {Subject(p.By, entity, user: "by")}{(from.Length > 0 ? $"{last}{from}" : "")}";
        }
    }

    private static string SingleSummary(SecurityEvent e) => e.Type switch
    {
        SecurityEventTypes.KeyLeakReported => $"Reported at {Clock(e.Time)}{(e.Attribute("reportedBy") is { } by ? $" by {Person(by)}" : "")}. "
            + (e.Attribute("outcome") == "revoked" ? "The key no longer works: replace it wherever it is deployed." : "Check where it leaked from."),
        _ => $"At {Clock(e.Time)}: {Describe(e)}.",
    };

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
        var n = _counter.Add(key, e.Time, e.SourceIp);
        if (n >= p.Threshold)
        {
            var (ip, _, _) = _counter.Facets(key);
            var from = ip switch
            {
                { Varied: true } => " (from different addresses)",
                { Value: { } v } => $" (from {Address(v)})",
                _ => "",
            };
            // Each finding stands for `threshold` attempts: grouped, the alert counts them all.
            var last = e.SourceIp is { } address ? $" (last from {Address(address)})" : "";
            found.Add(new Finding(EntityKinds.Key, key, e.Time, $"Revoked key {key} presented {Times(n)} after revocation{from}",
                new { attempts = n, threshold = p.Threshold, windowSeconds = (int)Rule.Window.TotalSeconds, sourceIp = e.SourceIp, lastEventId = e.Id }, e.Id)
            {
                Summary = $"Last attempt at {Clock(e.Time)}: {Describe(e)}. Whoever presents it holds a key that no longer works, or is trying a leaked one.",
                GroupedTitle = grouped => grouped <= 1 ? null : $"Revoked key {key} presented {Times(grouped * p.Threshold)} after revocation{last}",
            });
            _counter.Reset(key);
        }
    }

    public override void Trim(DateTimeOffset now) => _counter.Trim(now);
}
