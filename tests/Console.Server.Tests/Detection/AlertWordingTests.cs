using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;
using static SecurityConsole.Server.Tests.Detection.RuleEngineTests;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>
/// What an analyst reads: each rule type's alert title (and its evidence sentence) for a representative case, with
/// counts in words and nouns in the right number.
/// </summary>
public sealed class AlertWordingTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
    private long _ids;

    [Fact]
    public void BruteForceOnOnePersonSaysHowManySignInsFailedForWhomFromWhereInWhatWindow()
    {
        var hit = Single(Rule("brute-force"), Enumerable.Range(0, 12).Select(i =>
            Event(SecurityEventTypes.LoginFailed, Monday.AddHours(9).AddSeconds(i * 10), actor: "alice@example.com", ip: "203.0.113.7", outcome: EventOutcomes.Failure)),
            EntityKinds.User);

        Assert.Equal("10 failed sign-ins for alice@example.com from 203.0.113.7 in 5 minutes (threshold 10)", Clear(hit.Title));
        Assert.Equal("Last attempt at 09:01 UTC: failed sign-in by alice@example.com from 203.0.113.7.", Clear(hit.Summary));
    }

    [Fact]
    public void TwelveFailedSignInsForOnePersonFromOneAddressAreOneIncidentNotAnAlertByPersonAndAnotherByAddress()
    {
        var engine = new RuleEngine();
        engine.Apply([Rule("brute-force")]);
        var hits = engine.Evaluate(Enumerable.Range(0, 12).Select(i =>
            Event(SecurityEventTypes.LoginFailed, Monday.AddSeconds(i * 10), actor: "mallory", ip: "203.0.113.9", outcome: EventOutcomes.Failure)));

        var hit = Assert.Single(hits).Finding;
        Assert.Equal((EntityKinds.User, "mallory"), (hit.EntityKind, hit.EntityId));
        Assert.Equal("10 failed sign-ins for mallory from 203.0.113.9 in 5 minutes (threshold 10)", Clear(hit.Title));

        // Spraying: one address against many accounts is the address's incident; each account alone stays below the threshold.
        var spray = engine.Evaluate(Enumerable.Range(0, 10).Select(i =>
            Event(SecurityEventTypes.LoginFailed, Monday.AddHours(1).AddSeconds(i), actor: $"user{i}", ip: "203.0.113.10", outcome: EventOutcomes.Failure)));
        Assert.Equal((EntityKinds.Ip, "203.0.113.10"), (Assert.Single(spray).Finding.EntityKind, Assert.Single(spray).Finding.EntityId));
    }

    [Fact]
    public void BruteForceFromOneAddressAgainstManyKeysSaysTheKeysDiffered()
    {
        var hit = Single(Rule("brute-force"), Enumerable.Range(0, 10).Select(i =>
            Event(SecurityEventTypes.KeyVerifyFailed, Monday.AddSeconds(i * 4), key: $"sc_live_G{i:000}", ip: "203.0.113.66", outcome: EventOutcomes.Failure,
                attributes: """{"reason":"not_found"}""")), EntityKinds.Ip);

        Assert.Equal("10 failed key verifications with different keys from 203.0.113.66 in 5 minutes (threshold 10)", Clear(hit.Title));
        Assert.Equal("Last attempt at 00:00 UTC: failed key verification of sc_live_G009 from 203.0.113.66 (no such key).", Clear(hit.Summary));
    }

    [Fact]
    public void BruteForceOnOnePersonFromSeveralAddressesSaysSo()
    {
        var hit = Single(Rule("brute-force"), Enumerable.Range(0, 10).Select(i =>
            Event(SecurityEventTypes.LoginFailed, Monday.AddSeconds(i * 10), actor: "ana@example.com", ip: $"185.220.101.{7 + i % 3}", outcome: EventOutcomes.Failure)),
            EntityKinds.User);

        Assert.Equal("10 failed sign-ins for ana@example.com from different addresses in 5 minutes (threshold 10)", Clear(hit.Title));
    }

    [Fact]
    public void AThresholdOnAServicesOwnEventTypeNamesTheTypeAndTheOutcome()
    {
        var rule = new CompiledRule("refunds", "Refund burst", RuleTypes.Threshold, AlertSeverities.High, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
            new ThresholdParameters("payments.refund", EventOutcomes.Success, EntityKinds.User, 3), 1);
        var hit = Single(rule, Enumerable.Range(0, 3).Select(i => Event("payments.refund", Monday.AddMinutes(i), actor: "mallory", ip: "10.0.0.5")));

        Assert.Equal("3 successful payments.refund events by mallory from 10.0.0.5 in 10 minutes (threshold 3)", Clear(hit.Title));
    }

    [Fact]
    public void AKeyHittingItsRateLimitIsCountedInRefusals()
    {
        var hit = Single(Rule("rate-limited-key"), Enumerable.Range(0, 50).Select(i =>
            Event(SecurityEventTypes.KeyRateLimited, Monday.AddSeconds(i), key: "sc_live_Rate", ip: "172.16.0.9", outcome: EventOutcomes.Denied)));

        Assert.Equal("50 rate-limit refusals for key sc_live_Rate from 172.16.0.9 in 5 minutes (threshold 50)", Clear(hit.Title));
    }

    [Fact]
    public void ARuleOnSingleEventsReadsAsTheEventOnceAndCountsThemWhenGrouped()
    {
        var rule = new CompiledRule("refund", "Any refund", RuleTypes.Threshold, AlertSeverities.Low, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1),
            new ThresholdParameters("payments.refund", EventOutcomes.Success, EntityKinds.User, 1), 1);
        var hit = Single(rule, [Event("payments.refund", Monday, actor: "mallory", ip: "10.0.0.5")]);

        Assert.Equal("Successful payments.refund event by mallory from 10.0.0.5", Clear(hit.Title));
        Assert.Equal("3 successful payments.refund events by mallory, last from 10.0.0.5", Clear(hit.TitleFor(3)));
    }

    [Fact]
    public void ALockOutNamesThePersonAndHowOftenOnceGrouped()
    {
        var hit = Single(Rule("account-lockout"), [Event(SecurityEventTypes.Lockout, Monday, actor: "ada@example.com", ip: "192.0.2.200", outcome: EventOutcomes.Denied)]);

        Assert.Equal("ada@example.com locked out after repeated failed sign-ins from 192.0.2.200", Clear(hit.Title));
        Assert.Equal("ada@example.com locked out twice after repeated failed sign-ins, last from 192.0.2.200", Clear(hit.TitleFor(2)));
    }

    [Fact]
    public void ALeakedKeyReportSaysWhoReportedItAndThatTheKeyWasRevoked()
    {
        var hit = Single(Rule("leaked-key"), [Event(SecurityEventTypes.KeyLeakReported, Monday.AddHours(9).AddMinutes(14), key: "sc_live_Leak",
            outcome: EventOutcomes.Unknown, attributes: """{"outcome":"revoked","reportedBy":"github-secret-scanning"}""")]);

        Assert.Equal("Key sc_live_Leak reported leaked by github-secret-scanning and revoked at once", Clear(hit.Title));
        Assert.Equal("Reported at 09:14 UTC by github-secret-scanning. The key no longer works: replace it wherever it is deployed.", Clear(hit.Summary));
        Assert.Equal("Key sc_live_Leak reported leaked twice, last by github-secret-scanning", Clear(hit.TitleFor(2)));
        Assert.DoesNotContain("key.leak_reported", Clear(hit.Title));
    }

    [Fact]
    public void ARevokedKeyPresentedAgainSaysOnceAndThenHowManyTimesOnceGrouped()
    {
        var hit = Single(Rule("revoked-key-use"), [Event(SecurityEventTypes.KeyVerifyFailed, Monday, key: "sc_live_Revk", ip: "198.51.100.23",
            outcome: EventOutcomes.Failure, attributes: """{"reason":"revoked"}""")]);

        Assert.Equal("Revoked key sc_live_Revk presented once after revocation (from 198.51.100.23)", Clear(hit.Title));
        Assert.Equal("Revoked key sc_live_Revk presented 3 times after revocation (last from 198.51.100.23)", Clear(hit.TitleFor(3)));
        Assert.Equal(Clear(hit.Title), Clear(hit.TitleFor(1)));
    }

    [Fact]
    public void ARateAnomalySaysHowManyTimesTheUsualRateAServiceSentWithTheZScore()
    {
        var rule = Rule("service-rate-anomaly");
        var events = new List<SecurityEvent>();
        for (var bucket = 0; bucket < 24; bucket++)
        {
            events.AddRange(Enumerable.Range(0, 10).Select(i => Event("search.query", Monday.AddMinutes(bucket * 5).AddSeconds(i * 20), source: "search-api")));
        }
        events.AddRange(Enumerable.Range(0, 60).Select(i => Event("search.query", Monday.AddMinutes(24 * 5).AddSeconds(i * 2), source: "search-api")));

        var hit = Single(rule, events);

        // A steady 10 per bucket: deviation √10, so the 23rd event of the bucket is the first 4 deviations above.
        Assert.Equal("search-api sent 2.3× its usual event rate: 23 events in 5 minutes, usually about 10 (z = 4.1)", Clear(hit.Title));
        Assert.Equal("Its usual rate was learned over 24 periods of 5 minutes: about 10 ± 3.2 events each. The rule alerts at 4 deviations above the usual.", Clear(hit.Summary));
    }

    [Fact]
    public void ANewNetworkNamesTheNetworkAndTheOnesSeenBefore()
    {
        var history = Enumerable.Range(0, 12).Select(i => Event(SecurityEventTypes.KeyUsed, Monday.AddHours(i), key: "sc_live_Pay1", ip: $"10.20.{30 + i % 3}.{i + 1}"));
        var hit = Single(Rule("key-new-network"), [.. history, Event(SecurityEventTypes.KeyUsed, Monday.AddDays(1), key: "sc_live_Pay1", ip: "45.77.1.2")]);

        Assert.Equal("Key sc_live_Pay1 used from a new network 45.77.1.0/24 (seen before: 10.20.31.0/24, 10.20.32.0/24 and 1 more)", Clear(hit.Title));
        Assert.Equal("45.77.1.2 is the first address in 45.77.1.0/24 after 12 events from 3 known networks.", Clear(hit.Summary));
    }

    [Fact]
    public void ActivityOutsideUsualHoursNamesTheTimeAndTheUsualHoursWithoutAZeroPercent()
    {
        var days = Enumerable.Range(0, 20).SelectMany(d => Enumerable.Range(8, 10).Select(h =>
            Event(SecurityEventTypes.LoginSucceeded, Monday.AddDays(d).AddHours(h).AddMinutes(5), actor: "sam@example.com")));
        var hit = Single(Rule("user-unusual-hours"), [.. days, Event(SecurityEventTypes.LoginSucceeded, Monday.AddDays(21).AddHours(3).AddMinutes(12), actor: "sam@example.com")]);

        Assert.Equal("sam@example.com signed in at 03:12 UTC, outside their usual hours (08:00–18:00 UTC)", Clear(hit.Title));
        Assert.Equal("None of their 200 earlier events fell between 03:00 and 04:00 UTC.", Clear(hit.Summary));
        Assert.DoesNotContain("%", Clear(hit.Title) + Clear(hit.Summary));
    }

    [Theory]
    [InlineData(4.2, "4.2× its usual")]
    [InlineData(37.4, "37× its usual")]
    [InlineData(1.0, "about its usual")]
    [InlineData(0.4, "60% below its usual")]
    [InlineData(0.0, "none of its usual")]
    public void ARatioAgainstTheBaselineReadsAsTimesUsualOrAsADrop(double ratio, string expected) =>
        Assert.Equal(expected, AlertWording.AgainstUsual(ratio));

    [Theory]
    [InlineData(1, "once")]
    [InlineData(2, "twice")]
    [InlineData(1200, "1,200 times")]
    public void CountsOfTimesAreWords(int n, string expected) => Assert.Equal(expected, AlertWording.Times(n));

    [Theory]
    [InlineData(45, "45 seconds")]
    [InlineData(60, "1 minute")]
    [InlineData(300, "5 minutes")]
    [InlineData(3600, "1 hour")]
    [InlineData(5400, "90 minutes")]
    [InlineData(86_400, "1 day")]
    public void WindowsAreWords(int seconds, string expected) => Assert.Equal(expected, AlertWording.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void TheConsolesOwnEventTypesHaveNamesAndAServicesTypeKeepsItsOwn()
    {
        Assert.Equal("Failed sign-in", EventTypeNames.Display(SecurityEventTypes.LoginFailed));
        Assert.Equal("Leak report", EventTypeNames.Display(SecurityEventTypes.KeyLeakReported));
        Assert.Equal("payments.refund", EventTypeNames.Display("payments.refund"));
        Assert.Equal("3 failed key verifications", $"3 {EventTypeNames.Noun(SecurityEventTypes.KeyVerifyFailed, 3)}");
        Assert.Equal("payments.refund event", EventTypeNames.Noun("payments.refund"));
    }

    private Finding Single(CompiledRule rule, IEnumerable<SecurityEvent> events, string? kind = null)
    {
        var engine = new RuleEngine();
        engine.Apply([rule]);
        var hits = engine.Evaluate(events).Where(h => kind is null || h.Finding.EntityKind == kind).ToList();
        return Assert.Single(hits).Finding;
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
}
