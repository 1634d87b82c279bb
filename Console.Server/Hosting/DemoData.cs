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
/// Demo people cannot sign in (no password); the first admin is still created through the setup link.
/// The history is back-dated, and an entry's time is never earlier than the one before it in the chain: the demo
/// must write the trail's first entries (a fresh database), or its history would all read as the time it was seeded;
/// on a database that already has a trail it refuses to start and says why.
/// </summary>
public static class DemoData
{
    public const string Marker = "demo.example";

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
            var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now.AddDays(-random.Next(20, 90)) };
            await users.CreateAsync(user);
            await users.AddToRoleAsync(user, role);
            created.Add(user);
        }
        KeyDemoData.Add(db, sp.GetRequiredService<ApiKeyIssuer>(), audit, [created[4], created[5]], created[3], now, random);
        // Two weeks of sign-ins, failed sign-ins and admin changes, so the trail and the dashboard chart have a shape.
        var entries = new List<(DateTimeOffset At, AuditEvent Event)>();
        for (var day = 13; day >= 0; day--)
        {
            var weekday = now.AddDays(-day).DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
            var count = weekday ? random.Next(12, 30) : random.Next(2, 8);
            for (var n = 0; n < count; n++)
            {
                var at = now.AddDays(-day).Date.AddHours(random.Next(7, 19)).AddMinutes(random.Next(60));
                var who = created[random.Next(created.Count)];
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
        await Detection.DetectionDemo.SeedAsync(sp, [.. created.Select(u => u.Email!)], [.. serviceKeys.Select(k => new Detection.DetectionDemo.DemoKey(
            k.Id, k.Prefix, k.CreatedAt, k.RevokedAt, k.ExpiresAt, k.DisabledAt,
            Replaced: k.Service == KeyDemoData.ReplacedService, Leaked: k.Service == KeyDemoData.LeakedService))], ct);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DemoSeeded, Data: new { users = created.Count }));
        await db.SaveChangesAsync(ct);
    }
}
