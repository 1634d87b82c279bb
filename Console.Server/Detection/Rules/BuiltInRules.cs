using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Detection.Rules;

/// <summary>The rules every console starts with. Seeded once; afterwards they are the admins' to tune or disable.</summary>
public static class BuiltInRules
{
    public sealed record Seed(string Id, string Name, string Description, string Severity, int WindowSeconds, int GroupingSeconds, IRuleParameters Parameters)
    {
        public string Type => Parameters switch
        {
            BruteForceParameters => RuleTypes.BruteForce,
            ThresholdParameters => RuleTypes.Threshold,
            RateAnomalyParameters => RuleTypes.RateAnomaly,
            NewNetworkParameters => RuleTypes.NewNetwork,
            UnusualHoursParameters => RuleTypes.UnusualHours,
            RevokedKeyUseParameters => RuleTypes.RevokedKeyUse,
            _ => throw new InvalidOperationException(),
        };
    }

    public static IReadOnlyList<Seed> All { get; } =
    [
        new("brute-force", "Brute force",
            "Failed key verifications or sign-ins per key, user or address: 10 within 5 minutes.",
            AlertSeverities.High, 300, 3600, new BruteForceParameters(Threshold: 10).Normalized()),
        new("revoked-key-use", "Revoked key still in use",
            "Someone presents a key after it was revoked: a stale deployment, or a leaked key being tried.",
            AlertSeverities.High, 300, 3600, new RevokedKeyUseParameters().Normalized()),
        new("leaked-key", "Leaked key reported",
            "A secret scanner reported one of our keys in the wild (it is revoked at once if it was live).",
            AlertSeverities.Critical, 60, 86_400, new ThresholdParameters(SecurityEventTypes.KeyLeakReported, null, EntityKinds.Key, 1)),
        new("account-lockout", "Account locked out",
            "A person's account was locked after repeated failed sign-ins.",
            AlertSeverities.Medium, 60, 3600, new ThresholdParameters(SecurityEventTypes.Lockout, null, EntityKinds.User, 1)),
        new("rate-limited-key", "Key hitting its rate limit",
            "A key is refused for its rate limit 50 times within 5 minutes.",
            AlertSeverities.Low, 300, 3600, new ThresholdParameters(SecurityEventTypes.KeyRateLimited, null, EntityKinds.Key, 50)),
        new("service-rate-anomaly", "Unusual event rate from a service",
            "A service's events per 5 minutes far above what it usually sends (z-score against its learned average).",
            AlertSeverities.Medium, 300, 3600, new RateAnomalyParameters(EntityKinds.Service)),
        new("key-new-network", "Key used from a new network",
            "A key used from a /24 (IPv4) or /48 (IPv6) it was never used from, once it has some history.",
            AlertSeverities.Medium, 300, 86_400, new NewNetworkParameters()),
        new("user-unusual-hours", "Activity outside usual hours",
            "A person active in an hour of the day (UTC) that holds less than 1% of their usual activity.",
            AlertSeverities.Low, 300, 14_400, new UnusualHoursParameters()),
    ];

    public static IReadOnlyList<RuleTypeInfo> Types { get; } =
    [
        new(RuleTypes.BruteForce, "Brute force", "Failures (outcome other than success) of the given types per entity reaching a threshold.",
            "Counting window", RuleParameters.ToElement(new BruteForceParameters().Normalized()),
        [
            new("eventTypes", "eventTypes", "Event types that count as failures (exact, prefix.*, or *)."),
            new("by", "entities", "Count per key, user and/or address.", Options: [EntityKinds.Key, EntityKinds.User, EntityKinds.Ip]),
            new("threshold", "int", "Failures within the window that raise an alert.", 2, 1_000_000),
        ]),
        new(RuleTypes.Threshold, "Threshold", "Events of a type (and outcome) per entity reaching a threshold.",
            "Counting window", RuleParameters.ToElement(new ThresholdParameters("auth.*")),
        [
            new("eventType", "eventType", "Event type (exact, prefix.*, or *)."),
            new("outcome", "outcome", "Only events with this outcome; empty for any.", Options: EventOutcomes.All),
            new("by", "entity", "Count per this entity.", Options: EntityKinds.All),
            new("threshold", "int", "Events within the window that raise an alert.", 1, 1_000_000),
        ]),
        new(RuleTypes.RateAnomaly, "Rate anomaly", "Events per bucket against the entity's learned average (EWMA) and deviation: a z-score.",
            "Bucket length", RuleParameters.ToElement(new RateAnomalyParameters()),
        [
            new("by", "entity", "Learn per this entity.", Options: EntityKinds.All),
            new("eventType", "eventType", "Only events of this type (exact, prefix.*); empty for all."),
            new("alpha", "number", "Weight of the newest bucket in the average.", 0.01, 0.9),
            new("zThreshold", "number", "Standard deviations above the average that raise an alert.", 1, 50),
            new("minEvents", "int", "A bucket needs at least this many events to alert.", 1, 1_000_000),
            new("warmupBuckets", "int", "Buckets to learn before alerting.", 2, 10_000),
        ]),
        new(RuleTypes.NewNetwork, "New network", "An entity seen from a network it was never seen from.",
            "Not used", RuleParameters.ToElement(new NewNetworkParameters()),
        [
            new("by", "entity", "Key or user.", Options: [EntityKinds.Key, EntityKinds.User]),
            new("ipv4PrefixLength", "int", "IPv4 network size, in prefix bits.", 8, 32),
            new("ipv6PrefixLength", "int", "IPv6 network size, in prefix bits.", 16, 128),
            new("minKnownEvents", "int", "Events of history before a new network alerts.", 0, 1_000_000),
            new("successOnly", "bool", "Ignore failed and denied events."),
        ]),
        new(RuleTypes.UnusualHours, "Unusual hours", "Activity in an hour of the day (UTC) that is rare for the entity.",
            "Not used", RuleParameters.ToElement(new UnusualHoursParameters()),
        [
            new("by", "entity", "Learn per this entity.", Options: EntityKinds.All),
            new("eventType", "eventType", "Only events of this type (exact, prefix.*); empty for all."),
            new("minHistoryEvents", "int", "Events of history before alerting.", 10, 1_000_000),
            new("maxShare", "number", "An hour holding less than this share of the entity's activity is unusual.", 0, 0.5),
        ]),
        new(RuleTypes.RevokedKeyUse, "Revoked key use", "Verification failures with reason 'revoked', per key.",
            "Counting window", RuleParameters.ToElement(new RevokedKeyUseParameters().Normalized()),
        [
            new("eventTypes", "eventTypes", "Event types whose attribute 'reason' is checked."),
            new("threshold", "int", "Attempts within the window that raise an alert.", 1, 1_000_000),
        ]),
    ];
}
