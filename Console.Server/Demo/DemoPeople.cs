using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "the people": six people in five roles, created through Identity's user manager. Each signs in with
/// <see cref="Password"/> and a two-factor code (their authenticator keys are printed at start-up,
/// <see cref="DemoData.PrintAccountsWhenStarted"/>), so that a newcomer can see the console as each role; each joined
/// before the keys they own were issued. The first admin is still created through the setup link.
/// </summary>
internal static class DemoPeople
{
    /// <summary>Every demo account's password, printed by --demo: a demo database is for looking around, never for real data.</summary>
    public const string Password = "demo-console-password";

    internal static readonly (string Email, string Role)[] People =
    [
        ("ana.analyst@demo.example", Roles.SecurityAnalyst),
        ("sam.soc@demo.example", Roles.SecurityAnalyst),
        ("ada.auditor@demo.example", Roles.Auditor),
        ("paul.approver@demo.example", Roles.Approver),
        ("dev.payments@demo.example", Roles.Developer),
        ("dev.search@demo.example", Roles.Developer),
    ];

    /// <summary>The people in this order: two analysts, an auditor, an approver, then the payments and the search developer.</summary>
    public static async Task<List<ConsoleUser>> WriteAsync(UserManager<ConsoleUser> users, DateTimeOffset now, Random random)
    {
        var created = new List<ConsoleUser>();
        foreach (var (email, role) in People)
        {
            // Joined before the oldest key the keys scenario issues them (four months back).
            var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now.AddDays(-random.Next(150, 200)) };
            Check(await users.CreateAsync(user, Password), email);
            Check(await users.AddToRoleAsync(user, role), email);
            Check(await users.ResetAuthenticatorKeyAsync(user), email);
            Check(await users.SetTwoFactorEnabledAsync(user, true), email);
            created.Add(user);
        }
        return created;
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The demo could not set up {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
