using System.Security.Claims;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Services;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in person's user id, as the API names owners and requesters.</summary>
    public static string? UserId(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.NameIdentifier)?.Value;

    /// <summary>The permissions the signed-in person holds, as the server put them in the session.</summary>
    public static IEnumerable<string> HeldPermissions(this ClaimsPrincipal user) =>
        user.FindAll(Permissions.ClaimType).Select(c => c.Value);
}
