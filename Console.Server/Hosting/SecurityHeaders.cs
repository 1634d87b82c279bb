using System.Security.Cryptography;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Hosting;

/// <summary>
/// Security headers on every response, and the CSRF rule for the cookie-authenticated API.
/// </summary>
public static class SecurityHeaders
{
    public const string NonceItem = "csp-nonce";

    /// <summary>
    /// What a response that is not a document (JSON, plain text, a hub) needs: it loads nothing, and nothing may frame it.
    /// A constant, so the API's hot paths (key verification) pay neither a nonce nor a policy string per request.
    /// </summary>
    internal const string DataPolicy = "default-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseConsoleSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        string policy;
        if (ServesData(context.Request.Path))
        {
            policy = DataPolicy;
        }
        else
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceItem] = nonce;
            policy = PolicyFor(context.Request.Path, nonce);
        }
        context.Response.OnStarting(static state =>
        {
            var (response, policy) = ((HttpResponse, string))state;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts,
            // which breaks passkey origin checks; other sites still get no referrer.
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()";
            headers.ContentSecurityPolicy = policy;
            return Task.CompletedTask;
        }, (context.Response, policy));
        return next(context);
    });

    /// <summary>The API, the hubs, health probes and the OpenAPI document answer data, never a page.</summary>
    internal static bool ServesData(PathString path) =>
        ConsoleRequests.IsApiPath(path)
        || path.StartsWithSegments("/health")
        || path.StartsWithSegments("/openapi");

    internal static string PolicyFor(PathString path, string nonce)
    {
        // The API reference and the jobs dashboard ship inline scripts of their own; they get a policy that allows them.
        var thirdPartyUi = path.StartsWithSegments("/api-docs") || path.StartsWithSegments("/jobs");
        var scripts = thirdPartyUi ? "'self' 'unsafe-inline'" : $"'self' 'wasm-unsafe-eval' 'nonce-{nonce}'";
        return string.Join("; ",
            "default-src 'self'",
            $"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }

    /// <summary>
    /// A cookie-authenticated state-changing API call must carry <see cref="ApiConventions.CsrfHeader"/>;
    /// a cross-site form cannot add a header, so it cannot ride on the sign-in cookie.
    /// API key calls carry no cookie and are exempt.
    /// </summary>
    public static IApplicationBuilder UseApiCsrfProtection(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (ConsoleRequests.IsApiOrHub(request)
            && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && !ApiKeyAuthenticationHandler.HasBearerToken(request)
            && request.Cookies.ContainsKey("console.auth")
            && request.Headers[ApiConventions.CsrfHeader] != ApiConventions.CsrfHeaderValue)
        {
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Missing request header",
                detail: $"Requests made with the sign-in cookie must send the header '{ApiConventions.CsrfHeader}: {ApiConventions.CsrfHeaderValue}'.",
                extensions: new Dictionary<string, object?> { ["field"] = ApiConventions.CsrfHeader })
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    });
}
