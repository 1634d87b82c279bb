using System.Security.Claims;

namespace SecurityConsole.Client.Services;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in person's user id, as the API names owners and requesters.</summary>
    public static string? UserId(this ClaimsPrincipal user) => user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
}
