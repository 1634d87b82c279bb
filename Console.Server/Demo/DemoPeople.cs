using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Users;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Demo;

/// <summary>
/// Demo scenario "the people": six people in five roles, created through Identity's user manager. They have no password
/// and cannot sign in; the first admin is still created through the setup link.
/// </summary>
internal static class DemoPeople
{
    private static readonly (string Email, string Role)[] People =
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
            var user = new ConsoleUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now.AddDays(-random.Next(20, 90)) };
            await users.CreateAsync(user);
            await users.AddToRoleAsync(user, role);
            created.Add(user);
        }
        return created;
    }
}
