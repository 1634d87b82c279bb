using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Keys;

/// <summary>Who is calling a key endpoint: a person, or a machine with a key (acting for the key's owner).</summary>
public sealed record KeyCaller(string UserId, Guid? KeyId, IReadOnlySet<string> Granted)
{
    public bool Can(string permission) => Granted.Contains(permission);

    public static KeyCaller From(ClaimsPrincipal principal) => new(
        principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("An authenticated caller has no id."),
        Guid.TryParse(principal.FindFirstValue(ConsoleClaims.ApiKeyId), out var keyId) ? keyId : null,
        principal.FindAll(Permissions.ClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
}

internal static class KeyProblems
{
    public static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
