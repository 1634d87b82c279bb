using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;
using SecurityConsole.Server.Events;
using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "an incident week": a week of ordinary events (people signing in and working during office hours,
/// services sending steadily, keys used from their own networks) with planted incidents that the built-in rules
/// find when the console starts: keys sprayed from one address, a person's password guessed from several, a revoked
/// key still tried, a leaked key, a key used from a new network, a sign-in at 3 a.m., a burst from a service, a lock-out. Written through the event store, so the
/// pipeline detects them from the backlog like any other events.
/// </summary>
public static class IncidentWeek
{
    public const string BruteForceAddress = "203.0.113.66";
    public const string RevokedKeyAddress = "198.51.100.23";
    public const string NewNetworkAddress = "45.77.12.34";
    public const string BurstingService = "search-indexer";

    /// <summary>Where the password guessing against the first demo person comes from: three addresses of one network.</summary>
    public const string GuessingNetwork = "185.220.101.";

    /// <summary>
    /// A key of the keys scenario, as the events need it; <paramref name="Replaced"/> and <paramref name="Leaked"/> mark
    /// the two keys that scenario revoked.
    /// </summary>
    public sealed record DemoKey(
        Guid Id, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? DisabledAt,
        bool Replaced, bool Leaked);

    /// <summary>
    /// One sign-in attempt of a demo person, as the audit trail recorded it (the demo hands the same list to both, so that an
    /// alert about sign-ins names the audited attempts' times): failed, succeeded, or refused for a lock-out.
    /// </summary>
    public sealed record DemoSignIn(DateTimeOffset At, string Email, string Ip, bool Succeeded, bool LockedOut = false);

    /// <summary>
    /// Writes the week of events; <c>people</c> are the demo people's emails in the order the demo created them,
    /// <c>signIns</c> their audited sign-ins (the sign-in incidents among them), <c>keys</c> the service keys oldest first.
    /// </summary>
    public static async Task WriteAsync(IServiceProvider sp, IReadOnlyList<string> people, IReadOnlyList<DemoSignIn> signIns, IReadOnlyList<DemoKey> keys,
        CancellationToken ct)
    {
        var db = sp.GetRequiredService<ConsoleDbContext>();
        var audit = sp.GetRequiredService<AuditTrail>();
        var store = sp.GetRequiredService<SecurityEventStore>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        var random = new Random(20261124);
        var events = new List<SecurityEvent>();
        void Add(string type, DateTimeOffset at, string source = ConsoleSecurityEvents.Source, string? actor = null, string? key = null, string? ip = null,
            string outcome = EventOutcomes.Success, string? attributes = null)
        {
            if (at < now)
            {
                events.Add(new SecurityEvent
                {
                    Type = type, Time = at, ReceivedAt = at, Source = source, Actor = actor, KeyPrefix = key, SourceIp = ip, Outcome = outcome, Attributes = attributes,
                });
            }
        }

        // Eight days: whatever the weekday today, everyone has five working days of history before yesterday.
        var start = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-8);
        // The keys scenario ends with two keys revoked: one replaced four days ago (and still tried), one reported leaked five hours ago.
        var stale = keys.FirstOrDefault(k => k.Replaced);
        var leaked = keys.FirstOrDefault(k => k.Leaked);
        for (var day = start; day < now; day = day.AddDays(1))
        {
            var weekday = day.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
            foreach (var (person, p) in people.Select((x, i) => (x, i)))
            {
                var ip = $"10.20.{p + 1}.{random.Next(2, 250)}";
                for (var n = weekday ? random.Next(18, 25) : random.Next(0, 3); n > 0; n--)
                {
                    var at = day.AddHours(random.Next(8, 18)).AddMinutes(random.Next(60)).AddSeconds(random.Next(60));
                    Add("crm.record_viewed", at, source: "crm-app", actor: person, ip: ip);
                }
            }
            for (var bucket = 0; bucket < 288; bucket++)
            {
                var at = day.AddMinutes(bucket * 5);
                for (var n = 2 + random.Next(3); n > 0; n--)
                {
                    Add("search.document_indexed", at.AddSeconds(random.Next(300)), source: BurstingService);
                }
                for (var n = random.Next(4); n > 0; n--)
                {
                    Add("payments.charge", at.AddSeconds(random.Next(300)), source: "payments-api");
                }
            }
            foreach (var (key, k) in keys.Select((x, i) => (x, i)))
            {
                for (var hour = 0; hour < 24; hour++)
                {
                    var at = day.AddHours(hour).AddMinutes(random.Next(60));
                    // Keys are used while they work: not after revocation, expiry, or while disabled.
                    if (at < (key.RevokedAt ?? DateTimeOffset.MaxValue) && at < (key.ExpiresAt ?? DateTimeOffset.MaxValue) &&
                        at < (key.DisabledAt ?? DateTimeOffset.MaxValue) && at >= key.CreatedAt)
                    {
                        Add(SecurityEventTypes.KeyUsed, at, key: key.Prefix, ip: $"172.16.{k + 1}.{random.Next(2, 250)}");
                    }
                }
            }
        }

        // The incidents, at fixed points of the week.
        var bruteForce = start.AddDays(5).AddHours(14).AddMinutes(20);
        for (var i = 0; i < 40; i++)
        {
            Add(SecurityEventTypes.KeyVerifyFailed, bruteForce.AddSeconds(i * 4), key: $"sc_live_{(char)('A' + i % 26)}{random.Next(100, 999)}",
                ip: BruteForceAddress, outcome: EventOutcomes.Failure, attributes: """{"reason":"not_found"}""");
        }
        if (stale is not null)
        {
            for (var i = 0; i < 6; i++)
            {
                Add(SecurityEventTypes.KeyVerifyFailed, now.AddDays(-1).AddHours(-3).AddMinutes(i * 7), key: stale.Prefix, ip: RevokedKeyAddress,
                    outcome: EventOutcomes.Failure, attributes: """{"reason":"revoked"}""");
            }
        }
        if (leaked?.RevokedAt is { } leakedAt)
        {
            Add(SecurityEventTypes.KeyLeakReported, leakedAt, key: leaked.Prefix, outcome: EventOutcomes.Unknown,
                attributes: $$"""{"outcome":"revoked","keyId":"{{leaked.Id}}","reportedBy":"github-secret-scanning"}""");
        }
        if (keys.Count >= 1)
        {
            Add(SecurityEventTypes.KeyUsed, now.AddDays(-1).AddHours(-6), key: keys[0].Prefix, ip: NewNetworkAddress);
        }
        // The people's sign-ins as audited, the incidents among them (Hosting's DemoData.SignIns): twelve wrong passwords
        // for one person within four minutes from three addresses (no address reaches the threshold, the person does), a
        // lock-out, a sign-in at 03:12.
        foreach (var s in signIns)
        {
            if (s.LockedOut)
            {
                Add(SecurityEventTypes.Lockout, s.At, actor: s.Email, ip: s.Ip, outcome: EventOutcomes.Denied);
            }
            else
            {
                Add(s.Succeeded ? SecurityEventTypes.LoginSucceeded : SecurityEventTypes.LoginFailed, s.At, actor: s.Email, ip: s.Ip,
                    outcome: s.Succeeded ? EventOutcomes.Success : EventOutcomes.Failure);
            }
        }
        var burst = start.AddDays(4).AddHours(11);
        for (var i = 0; i < 150; i++)
        {
            Add("search.document_indexed", burst.AddSeconds(i * 2), source: BurstingService);
        }
        await db.SaveChangesAsync(ct);

        // In time order, so that baselines learn the week before the incidents are judged against it.
        foreach (var chunk in events.OrderBy(e => e.Time).Chunk(5000))
        {
            await store.AppendAsync(chunk, node: null, ct);
        }
    }
}
