using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// `--demo`: fills the database with a small, believable organisation so that a newcomer sees a
/// living console. Idempotent: a second start with --demo adds nothing. Each feature adds its own part.
/// One story (issue 14): the demo people sign in with <see cref="Password"/> and two-factor codes (their authenticator
/// keys are printed at start-up with the accounts, <see cref="PrintAccountsWhenStarted"/>), so that a newcomer can see the
/// console as each role; their sign-ins are one list, written to the audit trail and sent to detection as the same events at
/// the same times, so that an alert's times are the audited attempts' times; each person's last sign-in is their last
/// audited one; and they joined before the keys they own were issued. The first admin is still created through the setup link.
/// The history is back-dated, and an entry's time is never earlier than the one before it in the chain: the demo
/// must write the trail's first entries (a fresh database), or its history would all read as the time it was seeded;
/// on a database that already has a trail it refuses to start and says why.
/// </summary>
public static class DemoData
{
    public const string Marker = "demo.example";

    /// <summary>Every demo account's password, printed by --demo: a demo database is for looking around, never for real data.</summary>
    public const string Password = "demo-console-password";

    private static readonly (string Email, string Role)[] People =
    [
        ("ana.analyst@demo.example", Roles.SecurityAnalyst),
        ("sam.soc@demo.example", Roles.SecurityAnalyst),
        ("ada.auditor@demo.example", Roles.Auditor),
        ("paul.approver@demo.example", Roles.Approver),
        ("dev.payments@demo.example", Roles.Developer),
        ("dev.search@demo.example", Roles.Developer),
    ];

    public static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<ConsoleDbContext>();
        if (await db.Users.AnyAsync(u => u.Email!.EndsWith("@" + Marker), ct))
        {
            return;
        }
        if (await db.AuditEntries.AnyAsync(ct))
        {
            // Seeded now, two weeks of back-dated history would all read as this minute: say so instead of faking it.
            throw new StartupException(
                "--demo needs a fresh database: this one already has an audit trail, and the demo's back-dated history "
                + "has to be its beginning. Start the demo on a new database, for example "
                + "`ConnectionStrings__Console=\"Data Source=data/demo.db\" dotnet run --project Console.Server -- --demo`.");
        }
        sp.GetRequiredService<Caller>().ActAs(Actor.System("demo"));
        var users = sp.GetRequiredService<UserManager<ConsoleUser>>();
        var audit = sp.GetRequiredService<AuditTrail>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var random = new Random(20261123);
        var now = clock.GetUtcNow();
        var created = new List<ConsoleUser>();
        foreach (var (email, role) in People)
        {
            // Joined before the oldest key the keys demo issues them (four months back).
            var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now.AddDays(-random.Next(150, 200)) };
            Check(await users.CreateAsync(user, Password), email);
            Check(await users.AddToRoleAsync(user, role), email);
            Check(await users.ResetAuthenticatorKeyAsync(user), email);
            Check(await users.SetTwoFactorEnabledAsync(user, true), email);
            created.Add(user);
        }
        KeyDemoData.Add(db, sp.GetRequiredService<ApiKeyIssuer>(), audit, [created[4], created[5]], created[3], now, random);
        // Two weeks of sign-ins with the incidents detection is meant to find: one list for the audit trail and for detection.
        var signIns = SignIns([.. created.Select(u => u.Email!)], now, random);
        foreach (var s in signIns.OrderBy(s => s.At))
        {
            var who = created.First(u => u.Email == s.Email);
            var action = s.LockedOut ? AuditActions.SignInLockedOut : s.Succeeded ? AuditActions.SignInSucceeded : AuditActions.SignInFailed;
            var outcome = s.LockedOut ? AuditOutcomes.Denied : s.Succeeded ? AuditOutcomes.Success : AuditOutcomes.Failure;
            audit.Record(new AuditEvent(AuditCategories.Access, action, "user", who.Id, outcome, new { email = who.Email, ip = s.Ip }), s.At);
        }
        // Tracked by this scope's context: saved with the history below (saving now would write the trail before it is chained).
        foreach (var user in created)
        {
            user.LastSignInAt = signIns.Where(s => s.Email == user.Email && s.Succeeded).Select(s => (DateTimeOffset?)s.At).Max();
        }
        var complianceHistory = Compliance.ComplianceDemo.Add(db, audit, sp.GetRequiredService<Compliance.ComplianceCatalogue>(), now, random);
        // The keys' history reaches back four months and was recorded key by key: chain all of it in time order.
        audit.ChainPendingInTimeOrder();
        // Detection's demo reads the keys back from the database: save them first.
        await db.SaveChangesAsync(ct);
        Compliance.ComplianceDemo.LinkToChain(complianceHistory);
        // Detection's demo raises alerts through the rules; seeding them is audited, so it comes after the history.
        await Detection.DetectionFeature.PrepareDetectionAsync(services, ct);
        // Hosting hands Detection the keys demo's keys as plain facts: features do not import each other.
        var serviceKeys = await db.ApiKeys.Where(k => k.Service != null).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        await Detection.DetectionDemo.SeedAsync(sp, [.. created.Select(u => u.Email!)], signIns, [.. serviceKeys.Select(k => new Detection.DetectionDemo.DemoKey(
            k.Id, k.Prefix, k.CreatedAt, k.RevokedAt, k.ExpiresAt, k.DisabledAt,
            Replaced: k.Service == KeyDemoData.ReplacedService, Leaked: k.Service == KeyDemoData.LeakedService))], ct);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DemoSeeded, Data: new { users = created.Count }));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The demo people's sign-ins over two weeks: on working days two or three each during office hours (an occasional
    /// mistyped password half a minute before), at weekends now and then; and the incidents, at fixed points: twelve wrong
    /// passwords for the first person from three addresses of one network, four for the third and a lock-out, and the
    /// second person signing in at 03:12 yesterday. Only what lies in the past.
    /// </summary>
    internal static List<Detection.DetectionDemo.DemoSignIn> SignIns(IReadOnlyList<string> people, DateTimeOffset now, Random random)
    {
        var list = new List<Detection.DetectionDemo.DemoSignIn>();
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
        // The incidents lie on the days detection's week of events expects them (Detection.DetectionDemo).
        var start = today.AddDays(-8);
        if (people.Count >= 1)
        {
            var guessing = start.AddDays(6).AddHours(10).AddMinutes(40);
            for (var i = 0; i < 12; i++)
            {
                list.Add(new(guessing.AddSeconds(i * 20), people[0], $"{Detection.DetectionDemo.GuessingNetwork}{7 + i % 3}", Succeeded: false));
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

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The demo could not set up {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>
    /// With --demo, once the server listens: the demo accounts, their password and each one's two-factor key, so that a
    /// newcomer can sign in as any role. Printed to the terminal (never to the logging pipeline), before the setup link.
    /// </summary>
    public static void PrintAccountsWhenStarted(WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var jsonLogs = string.Equals(app.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase);
        if (System.Console.IsOutputRedirected && jsonLogs)
        {
            return;
        }
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var lines = new List<string>();
        foreach (var (email, role) in People)
        {
            if (users.FindByEmailAsync(email).GetAwaiter().GetResult() is { } user
                && users.GetAuthenticatorKeyAsync(user).GetAwaiter().GetResult() is { } key)
            {
                lines.Add($"    {Roles.DisplayName(role),-17} {email,-28} two-factor key {string.Join(' ', key.Chunk(4).Select(c => new string(c)))}");
            }
        }
        if (lines.Count == 0)
        {
            return;
        }
        System.Console.WriteLine();
        System.Console.WriteLine($"  Demo accounts, each with the password \"{Password}\" and two-factor sign-in: add the account's key to an");
        System.Console.WriteLine("  authenticator app (or run `oathtool --totp -b KEY`) and enter its 6-digit code after the password.");
        foreach (var line in lines)
        {
            System.Console.WriteLine(line);
        }
    });
}
