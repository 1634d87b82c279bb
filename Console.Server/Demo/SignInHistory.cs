using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using static SecurityConsole.Server.Demo.IncidentWeek;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "two weeks of sign-ins": one list, written to the audit trail here and sent to detection as the same
/// events at the same times (<see cref="IncidentWeek"/>), so that an alert's times are the audited attempts' times; each
/// person's last sign-in is their last audited one.
/// </summary>
internal static class SignInHistory
{
    /// <summary>Records the sign-ins in the audit trail at their back-dated times and sets each person's last sign-in; returns the list.</summary>
    public static List<DemoSignIn> Write(AuditTrail audit, IReadOnlyList<ConsoleUser> people, DateTimeOffset now, Random random)
    {
        var signIns = SignIns([.. people.Select(u => u.Email!)], now, random);
        foreach (var s in signIns)
        {
            var who = people.First(u => u.Email == s.Email);
            var action = s.LockedOut ? AuditActions.SignInLockedOut : s.Succeeded ? AuditActions.SignInSucceeded : AuditActions.SignInFailed;
            var outcome = s.LockedOut ? AuditOutcomes.Denied : s.Succeeded ? AuditOutcomes.Success : AuditOutcomes.Failure;
            // As the sign-in form records one, from the address it came from: a success by the person now signed in, a
            // failure or a lock-out by someone not signed in.
            var actor = s.Succeeded ? new Actor(ActorTypes.User, who.Id, s.Ip) : new Actor(ActorTypes.Anonymous, "anonymous", s.Ip);
            audit.RecordAs(actor,
                new AuditEvent(AuditCategories.Access, action, "user", who.Id, outcome, new { email = who.Email }), s.At);
        }
        // Tracked by the demo's context: saved with the history (saving now would write the trail before it is chained).
        foreach (var user in people)
        {
            user.LastSignInAt = signIns.Where(s => s.Email == user.Email && s.Succeeded).Select(s => (DateTimeOffset?)s.At).Max();
        }
        return signIns;
    }

    /// <summary>
    /// The demo people's sign-ins over two weeks: on working days two or three each during office hours (an occasional
    /// mistyped password half a minute before), at weekends now and then; and the incidents, at fixed points: twelve wrong
    /// passwords for the first person from three addresses of one network, four for the third and a lock-out, and the
    /// second person signing in at 03:12 yesterday. Only what lies in the past.
    /// </summary>
    internal static List<DemoSignIn> SignIns(IReadOnlyList<string> people, DateTimeOffset now, Random random)
    {
        var list = new List<DemoSignIn>();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        for (var day = today.AddDays(-13); day <= today; day = day.AddDays(1))
        {
            var weekday = day.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
            foreach (var (person, p) in people.Select((x, i) => (x, i)))
            {
                var ip = $"10.20.{p + 1}.{random.Next(2, 250)}";
                for (var n = weekday ? random.Next(2, 4) : random.Next(0, 2); n > 0; n--)
                {
                    var at = day.AddHours(weekday ? random.Next(8, 18) : random.Next(10, 16)).AddMinutes(random.Next(60)).AddSeconds(random.Next(60));
                    if (random.NextDouble() < 0.12)
                    {
                        list.Add(new(at.AddSeconds(-30), person, ip, Succeeded: false));
                    }
                    list.Add(new(at, person, ip, Succeeded: true));
                }
            }
        }
        // The incidents lie on the days the incident week's events expect them (IncidentWeek).
        var start = today.AddDays(-8);
        if (people.Count >= 1)
        {
            var guessing = start.AddDays(6).AddHours(10).AddMinutes(40);
            for (var i = 0; i < 12; i++)
            {
                list.Add(new(guessing.AddSeconds(i * 20), people[0], $"{GuessingNetwork}{7 + i % 3}", Succeeded: false));
            }
        }
        if (people.Count >= 2)
        {
            list.Add(new(today.AddDays(-1).AddHours(3).AddMinutes(12), people[1], "10.20.2.77", Succeeded: true));
        }
        if (people.Count >= 3)
        {
            var lockout = start.AddDays(3).AddHours(9).AddMinutes(30);
            for (var i = 0; i < 4; i++)
            {
                list.Add(new(lockout.AddSeconds(i * 9), people[2], "192.0.2.200", Succeeded: false));
            }
            list.Add(new(lockout.AddSeconds(40), people[2], "192.0.2.200", Succeeded: false, LockedOut: true));
        }
        return [.. list.Where(s => s.At < now).OrderBy(s => s.At)];
    }
}
