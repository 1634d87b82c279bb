using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// `--demo`: fills the database with a small, believable organisation so that a newcomer sees a living console, as a few
/// named scenarios run in order: <see cref="DemoPeople"/>, <see cref="KeysInEveryState"/>, <see cref="SignInHistory"/>,
/// <see cref="ComplianceHistory"/> and <see cref="IncidentWeek"/>. Idempotent: a second start with --demo adds nothing.
/// The demo is part of the top layer (like Hosting): it uses the features' services and no feature imports it.
/// The history is back-dated, and an entry's time is never earlier than the one before it in the chain: the demo
/// must write the trail's first entries (a fresh database), or its history would all read as the time it was seeded;
/// on a database that already has a trail it refuses to start and says why. The host runs it after each feature's
/// <see cref="IConsoleFeature.PrepareAsync"/> and before each feature's (audited) <see cref="IConsoleFeature.SeedAsync"/>.
/// </summary>
public static class DemoData
{
    public const string Marker = "demo.example";

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
        var audit = sp.GetRequiredService<AuditTrail>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
        // One seed for the scenarios below, drawn in this order: the same start gives the same organisation.
        var random = new Random(20261123);

        var people = await DemoPeople.WriteAsync(sp.GetRequiredService<UserManager<ConsoleUser>>(), now, random);
        KeysInEveryState.Write(db, sp.GetRequiredService<ApiKeyIssuer>(), audit, [people[4], people[5]], people[3], now, random);
        var signIns = SignInHistory.Write(audit, people, now, random);
        var controlHistory = ComplianceHistory.Write(db, audit, sp.GetRequiredService<ComplianceCatalogue>(), now, random, reviewer: people[2].Id);
        // The keys' history reaches back four months and was recorded key by key: chain all of it in time order.
        audit.ChainPendingInTimeOrder();
        // The incident week reads the keys back from the database: save them first.
        await db.SaveChangesAsync(ct);
        ComplianceHistory.LinkToChain(controlHistory);

        // Events only, appended to the backlog: the built-in rules (seeded by Detection after the demo) find the incidents
        // when the pipeline starts, as they would find anyone's.
        var serviceKeys = await db.ApiKeys.Where(k => k.Service != null).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        await IncidentWeek.WriteAsync(sp, [.. people.Select(u => u.Email!)], signIns, [.. serviceKeys.Select(k => new IncidentWeek.DemoKey(
            k.Id, k.Prefix, k.CreatedAt, k.RevokedAt, k.ExpiresAt, k.DisabledAt,
            Replaced: k.Service == KeysInEveryState.ReplacedService, Leaked: k.Service == KeysInEveryState.LeakedService))], ct);
        audit.Record(new AuditEvent(AuditCategories.Admin, AuditActions.DemoSeeded, Data: new { users = people.Count }));
        await db.SaveChangesAsync(ct);
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
        foreach (var (email, role) in DemoPeople.People)
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
        System.Console.WriteLine($"  Demo accounts, each with the password \"{DemoPeople.Password}\" and two-factor sign-in: add the account's key to an");
        System.Console.WriteLine("  authenticator app (or run `oathtool --totp -b KEY`) and enter its 6-digit code after the password.");
        foreach (var line in lines)
        {
            System.Console.WriteLine(line);
        }
    });
}
