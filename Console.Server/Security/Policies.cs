using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Security;

public static class Policies
{
    /// <summary>Any signed-in person or key, no particular permission (the shell, "who am I").</summary>
    public const string SignedIn = "signed-in";
}

/// <summary>What kind of request this is, for the pipeline's branches and the authorization answers.</summary>
public static class ConsoleRequests
{
    /// <summary>Sign-in and first-run forms are limited per client IP.</summary>
    public static bool IsSignInAttempt(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) &&
        (request.Path.StartsWithSegments("/Account/Login", StringComparison.OrdinalIgnoreCase) ||
         request.Path.StartsWithSegments("/Account/LoginWith2fa", StringComparison.OrdinalIgnoreCase) ||
         request.Path.StartsWithSegments("/Account/LoginWithRecoveryCode", StringComparison.OrdinalIgnoreCase) ||
         request.Path.StartsWithSegments("/Account/PasskeyRequestOptions", StringComparison.OrdinalIgnoreCase) ||
         request.Path.StartsWithSegments("/setup", StringComparison.OrdinalIgnoreCase) ||
         request.Path.StartsWithSegments("/Account/AcceptInvite", StringComparison.OrdinalIgnoreCase));

    public static bool IsApiOrHub(HttpRequest request) => IsApiPath(request.Path);

    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments(ApiConventions.Prefix) || path.StartsWithSegments("/hubs");
}
