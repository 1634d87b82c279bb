using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// Each built-in rule, in memory: it fires on the pattern it is for, and a week of ordinary traffic
/// (business-hours sign-ins, steady service events, keys used from their usual networks, a few typos) raises nothing.
/// </summary>
public sealed class RuleEngineTests
{
    /// <summary>A finding's sentence as a reader with pii:read sees it (its personal parts are typed, ADR 0065).</summary>
    public static string Clear(string? sentence) => SecurityConsole.Server.Common.PersonalText.Reveal(sentence) ?? "";

    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
    private long _ids;

    [Fact]
    public void AWeekOfOrdinaryTrafficRaisesNothing()
    {
        var engine = Engine();
        var hits = engine.Evaluate(OrdinaryWeek(new Random(7)));
        Assert.True(hits.Count == 0, string.Join('\n', hits.Select(h => $"{h.Rule.Id}: {h.Finding.Title}")));
    }

    [Fact]
    public void BruteForceFiresOnTenFailuresFromOneAddressWithinFiveMinutesAndNotOnFailuresSpreadOut()
    {
        var engine = Engine(Rule("brute-force"));
        // Nine failures from one address an hour apart each: never ten within the window.
        var spread = Enumerable.Range(0, 9).Select(i => Event(SecurityEventTypes.KeyVerifyFailed, Monday.AddHours(i), ip: "198.51.100.7", outcome: EventOutcomes.Failure));
        Assert.Empty(engine.Evaluate(spread));

        var burst = Enumerable.Range(0, 12).Select(i => Event(SecurityEventTypes.KeyVerifyFailed, Monday.AddDays(1).AddSeconds(i * 10),
            ip: "203.0.113.66", key: $"sc_live_G{i:000}", outcome: EventOutcomes.Failure));
        var hit = Assert.Single(engine.Evaluate(burst));
        Assert.Equal((EntityKinds.Ip, "203.0.113.66"), (hit.Finding.EntityKind, hit.Finding.EntityId));
        Assert.Equal("10 failed key verifications with different keys from 203.0.113.66 in 5 minutes (threshold 10)", Clear(hit.Finding.Title));
    }

    [Fact]
    public void BruteForceCountsFailedSignInsPerUserButNotSuccessfulOnes()
    {
        var engine = Engine(Rule("brute-force"));
        var successes = Enumerable.Range(0, 20).Select(i => Event(SecurityEventTypes.LoginFailed, Monday.AddSeconds(i), actor: "ana@example.test", outcome: EventOutcomes.Success));
        Assert.Empty(engine.Evaluate(successes));
        var failures = Enumerable.Range(0, 10).Select(i => Event(SecurityEventTypes.LoginFailed, Monday.AddMinutes(1).AddSeconds(i),
            actor: "ana@example.test", ip: $"10.9.{i}.1", outcome: EventOutcomes.Failure));
        var hit = Assert.Single(engine.Evaluate(failures));
        Assert.Equal((EntityKinds.User, "ana@example.test"), (hit.Finding.EntityKind, hit.Finding.EntityId));
    }

    [Fact]
    public void ALeakedKeyReportAlertsAtOnce()
    {
        var engine = Engine(Rule("leaked-key"));
        var hit = Assert.Single(engine.Evaluate([Event(SecurityEventTypes.KeyLeakReported, Monday, key: "sc_live_Leak")]));
        Assert.Equal((EntityKinds.Key, "sc_live_Leak"), (hit.Finding.EntityKind, hit.Finding.EntityId));
        Assert.Empty(engine.Evaluate([Event(SecurityEventTypes.KeyRevoked, Monday, key: "sc_live_Other")]));
    }

    [Fact]
    public void ARevokedKeyStillPresentedAlertsButOtherRefusalsDoNot()
    {
        var engine = Engine(Rule("revoked-key-use"));
        Assert.Empty(engine.Evaluate([
            Event(SecurityEventTypes.KeyVerifyFailed, Monday, key: "sc_live_Expd", outcome: EventOutcomes.Failure, attributes: """{"reason":"expired"}"""),
            Event(SecurityEventTypes.KeyVerifyFailed, Monday, key: "sc_live_Scop", outcome: EventOutcomes.Failure, attributes: """{"reason":"insufficient_scope"}"""),
        ]));
        var hit = Assert.Single(engine.Evaluate([Event(SecurityEventTypes.KeyVerifyFailed, Monday, key: "sc_live_Revk", ip: "192.0.2.9",
            outcome: EventOutcomes.Failure, attributes: """{"reason":"revoked"}""")]));
        Assert.Equal("sc_live_Revk", hit.Finding.EntityId);
        Assert.Contains("192.0.2.9", Clear(hit.Finding.Title));
    }

    [Fact]
    public void AThresholdRuleOnAnyEventTypeCountsPerEntityWithinItsWindow()
    {
        var rule = new CompiledRule("refunds", "Refund burst", RuleTypes.Threshold, AlertSeverities.High, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
            new ThresholdParameters("payments.refund", EventOutcomes.Success, EntityKinds.User, 5), 1);
        var engine = Engine(rule);
        Assert.Empty(engine.Evaluate(Enumerable.Range(0, 4).Select(i => Event("payments.refund", Monday.AddMinutes(i), actor: "mallory", outcome: EventOutcomes.Success))));
        Assert.Empty(engine.Evaluate([Event("payments.refund", Monday.AddMinutes(5), actor: "mallory", outcome: EventOutcomes.Failure)]));
        Assert.Empty(engine.Evaluate([Event("payments.charge", Monday.AddMinutes(5), actor: "mallory", outcome: EventOutcomes.Success)]));
        var hit = Assert.Single(engine.Evaluate([Event("payments.refund", Monday.AddMinutes(6), actor: "mallory", outcome: EventOutcomes.Success)]));
        Assert.Equal("mallory", hit.Finding.EntityId);
    }

    [Fact]
    public void ARateAnomalyFiresWhenAServiceSendsFarMoreThanItsLearnedRateAndNotOnItsUsualNoise()
    {
        var engine = Engine(Rule("service-rate-anomaly"));
        var random = new Random(3);
        var usual = new List<SecurityEvent>();
        for (var bucket = 0; bucket < 288; bucket++)
        {
            var count = 10 + random.Next(-4, 5);
            for (var i = 0; i < count; i++)
            {
                usual.Add(Event("search.query", Monday.AddMinutes(bucket * 5).AddSeconds(i * 7), source: "search-api"));
            }
        }
        Assert.Empty(engine.Evaluate(usual));
        var spike = Enumerable.Range(0, 120).Select(i => Event("search.query", Monday.AddDays(1).AddSeconds(i * 2), source: "search-api"));
        var hit = Assert.Single(engine.Evaluate(spike));
        Assert.Equal((EntityKinds.Service, "search-api"), (hit.Finding.EntityKind, hit.Finding.EntityId));
        Assert.StartsWith("search-api sent ", Clear(hit.Finding.Title));
        Assert.Contains("× its usual event rate", Clear(hit.Finding.Title));
    }

    [Fact]
    public void AKeyUsedFromANetworkItWasNeverUsedFromAlertsOnceItHasHistory()
    {
        var engine = Engine(Rule("key-new-network"));
        // A new key's first networks are learned, not alerted.
        var history = Enumerable.Range(0, 20).Select(i => Event(SecurityEventTypes.KeyUsed, Monday.AddHours(i), key: "sc_live_Pay1", ip: $"10.20.30.{i + 1}",
            outcome: EventOutcomes.Success));
        Assert.Empty(engine.Evaluate(history));
        Assert.Empty(engine.Evaluate([Event(SecurityEventTypes.KeyUsed, Monday.AddDays(1), key: "sc_live_Pay1", ip: "10.20.30.200", outcome: EventOutcomes.Success)]));
        Assert.Empty(engine.Evaluate([Event(SecurityEventTypes.KeyVerifyFailed, Monday.AddDays(1), key: "sc_live_Pay1", ip: "45.77.1.2", outcome: EventOutcomes.Failure)]));
        var hit = Assert.Single(engine.Evaluate([Event(SecurityEventTypes.KeyUsed, Monday.AddDays(1), key: "sc_live_Pay1", ip: "45.77.1.2", outcome: EventOutcomes.Success)]));
        Assert.Contains("45.77.1.0/24", Clear(hit.Finding.Title));
    }

    [Fact]
    public void ActivityOutsideAPersonsUsualHoursAlertsAndWorkingHoursDoNot()
    {
        var engine = Engine(Rule("user-unusual-hours"));
        var days = Enumerable.Range(0, 20).SelectMany(d => Enumerable.Range(8, 10).Select(h =>
            Event(SecurityEventTypes.LoginSucceeded, Monday.AddDays(d).AddHours(h), actor: "ana@example.test", outcome: EventOutcomes.Success)));
        Assert.Empty(engine.Evaluate(days));
        Assert.Empty(engine.Evaluate([Event(SecurityEventTypes.LoginSucceeded, Monday.AddDays(21).AddHours(11), actor: "ana@example.test")]));
        var hit = Assert.Single(engine.Evaluate([Event(SecurityEventTypes.LoginSucceeded, Monday.AddDays(21).AddHours(3).AddMinutes(12), actor: "ana@example.test")]));
        Assert.Equal("ana@example.test signed in at 03:12 UTC, outside their usual hours (08:00–18:00 UTC)", Clear(hit.Finding.Title));
    }

    [Fact]
    public void TuningARuleKeepsItsStateWhenOnlyTheSeverityChangesAndStartsOverWhenItsParametersChange()
    {
        var rule = Rule("brute-force");
        var engine = Engine(rule);
        engine.Evaluate(Enumerable.Range(0, 9).Select(i => Event(SecurityEventTypes.LoginFailed, Monday.AddSeconds(i), ip: "192.0.2.1", outcome: EventOutcomes.Failure)));
        Assert.Empty(engine.Apply([rule with { Severity = AlertSeverities.Critical, Version = 2 }]));
        var hit = Assert.Single(engine.Evaluate([Event(SecurityEventTypes.LoginFailed, Monday.AddSeconds(10), ip: "192.0.2.1", outcome: EventOutcomes.Failure)]));
        Assert.Equal(AlertSeverities.Critical, hit.Rule.Severity);

        Assert.Single(engine.Apply([rule with { Parameters = new BruteForceParameters(Threshold: 3).Normalized(), Version = 3 }]));
        Assert.Empty(engine.Evaluate(Enumerable.Range(0, 2).Select(i => Event(SecurityEventTypes.LoginFailed, Monday.AddMinutes(1).AddSeconds(i), ip: "192.0.2.1", outcome: EventOutcomes.Failure))));
        Assert.Single(engine.Evaluate([Event(SecurityEventTypes.LoginFailed, Monday.AddMinutes(1).AddSeconds(5), ip: "192.0.2.1", outcome: EventOutcomes.Failure)]));
    }

    private static RuleEngine Engine(params CompiledRule[] rules)
    {
        var engine = new RuleEngine();
        engine.Apply(rules.Length == 0 ? BuiltInRules.All.Select(s => Rule(s.Id)) : rules);
        return engine;
    }

    internal static CompiledRule Rule(string id)
    {
        var s = BuiltInRules.All.Single(r => r.Id == id);
        return new CompiledRule(s.Id, s.Name, s.Type, s.Severity, TimeSpan.FromSeconds(s.WindowSeconds), TimeSpan.FromSeconds(s.GroupingSeconds), s.Parameters, 1);
    }

    private SecurityEvent Event(string type, DateTimeOffset at, string source = "console", string? actor = null, string? key = null, string? ip = null,
        string outcome = EventOutcomes.Success, string? attributes = null) => new()
    {
        Id = ++_ids,
        Type = type,
        Time = at,
        ReceivedAt = at,
        Source = source,
        Actor = actor,
        KeyPrefix = key,
        SourceIp = ip,
        Outcome = outcome,
        Attributes = attributes,
    };

    /// <summary>Five people signing in on weekdays between 8 and 18, four services sending steadily, keys used from their own networks, a few mistyped passwords.</summary>
    private IEnumerable<SecurityEvent> OrdinaryWeek(Random random)
    {
        var events = new List<SecurityEvent>();
        string[] people = ["ana@example.test", "sam@example.test", "ada@example.test", "paul@example.test", "dev@example.test"];
        string[] services = ["payments-api", "search-api", "billing-worker", "mobile-gateway"];
        for (var day = 0; day < 14; day++)
        {
            var date = Monday.AddDays(day);
            var weekday = date.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
            foreach (var (person, p) in people.Select((x, i) => (x, i)))
            {
                var logins = weekday ? random.Next(2, 6) : 0;
                for (var n = 0; n < logins; n++)
                {
                    var at = date.AddHours(random.Next(8, 18)).AddMinutes(random.Next(60));
                    var ip = $"10.1.{p}.{random.Next(2, 30)}";
                    if (random.NextDouble() < 0.1)
                    {
                        events.Add(Event(SecurityEventTypes.LoginFailed, at.AddSeconds(-20), actor: person, ip: ip, outcome: EventOutcomes.Failure));
                    }
                    events.Add(Event(SecurityEventTypes.LoginSucceeded, at, actor: person, ip: ip));
                }
            }
            foreach (var (service, s) in services.Select((x, i) => (x, i)))
            {
                for (var bucket = 0; bucket < 288; bucket++)
                {
                    var count = (weekday ? 12 : 8) + random.Next(-3, 4);
                    for (var n = 0; n < count; n++)
                    {
                        events.Add(Event($"{service}.request", date.AddMinutes(bucket * 5).AddSeconds(random.Next(300)), source: service));
                    }
                }
                for (var hour = 0; hour < 24; hour++)
                {
                    events.Add(Event(SecurityEventTypes.KeyUsed, date.AddHours(hour), key: $"sc_live_Svc{s}", ip: $"172.16.{s}.{random.Next(2, 200)}"));
                }
            }
        }
        return events.OrderBy(e => e.Time);
    }
}
