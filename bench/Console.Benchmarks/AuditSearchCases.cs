using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Benchmarks;

/// <summary>The searches measured over <see cref="SeededTrail"/>, each with how many entries its first page must hold.</summary>
internal static class AuditSearchCases
{
    public const string FirstPage = "first page (50 newest)";
    public const string DeepPage = "deep page (before 500,000)";
    public const string Actor = "actor (1 user of 5,000)";
    public const string Action = "action = signin.failed (1 in 8)";
    public const string ActionPrefix = "action = key.* (1 in 250)";
    public const string TimeRange = "time range: 1 day, 2 weeks ago";
    public const string TimeRangeFar = "time range: 1 day, 4 weeks ago";
    public const string TimeRangeDeep = "time range, keyset page in its middle";
    public const string Target = "target (1 API key)";
    public const string TextRare = "free text, rare (1 match)";
    public const string TextCommon = "free text, common";

    public static (AuditSearchQuery Query, int Expected) Get(string name, SeededTrail trail) => name switch
    {
        FirstPage => (new AuditSearchQuery(), 50),
        DeepPage => (new AuditSearchQuery(Before: 500_000), 50),
        Actor => (new AuditSearchQuery(Actor: SeededTrail.UserId(1234)), 50),
        Action => (new AuditSearchQuery(Action: "signin.failed"), 50),
        ActionPrefix => (new AuditSearchQuery(Action: "key.*"), 50),
        TimeRange => (new AuditSearchQuery(From: trail.Start + TimeSpan.FromDays(16), To: trail.Start + TimeSpan.FromDays(17)), 50),
        TimeRangeFar => (new AuditSearchQuery(From: trail.Start + TimeSpan.FromDays(1), To: trail.Start + TimeSpan.FromDays(2)), 50),
        TimeRangeDeep => (new AuditSearchQuery(From: trail.Start + TimeSpan.FromDays(16), To: trail.Start + TimeSpan.FromDays(17), Before: 550_000), 50),
        Target => (new AuditSearchQuery(Target: SeededTrail.KeyId(777_000)), 1),
        TextRare => (new AuditSearchQuery(Text: "000000777000"), 1),
        TextCommon => (new AuditSearchQuery(Text: "password"), 50),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static IReadOnlyList<string> All { get; } = [FirstPage, DeepPage, Actor, Action, ActionPrefix, TimeRange, TimeRangeFar, TimeRangeDeep, Target, TextRare, TextCommon];
}
