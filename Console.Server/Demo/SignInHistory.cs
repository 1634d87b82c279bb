using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "two weeks of sign-ins": sign-ins, about one in eight failed, busy on weekdays and quiet at weekends, so
/// the audit trail and the dashboard chart have a shape. Recorded through the audit trail at their back-dated times.
/// </summary>
internal static class SignInHistory
{
    public static void Write(AuditTrail audit, IReadOnlyList<ConsoleUser> people, DateTimeOffset now, Random random)
    {
        var entries = new List<(DateTimeOffset At, AuditEvent Event)>();
        for (var day = 13; day >= 0; day--)
        {
            var weekday = now.AddDays(-day).DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
            var count = weekday ? random.Next(12, 30) : random.Next(2, 8);
            for (var n = 0; n < count; n++)
            {
                var at = now.AddDays(-day).Date.AddHours(random.Next(7, 19)).AddMinutes(random.Next(60));
                var who = people[random.Next(people.Count)];
                var failed = random.NextDouble() < 0.12;
                entries.Add((new DateTimeOffset(at, TimeSpan.Zero), new AuditEvent(AuditCategories.Access,
                    failed ? AuditActions.SignInFailed : AuditActions.SignInSucceeded, "user", who.Id, failed ? AuditOutcomes.Failure : AuditOutcomes.Success,
                    new { email = who.Email, ip = $"10.20.{random.Next(1, 40)}.{random.Next(2, 250)}" })));
            }
        }
        foreach (var (at, e) in entries.Where(e => e.At < now).OrderBy(e => e.At))
        {
            audit.Record(e, at);
        }
    }
}
