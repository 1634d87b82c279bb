using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Authenticates machines by <c>Authorization: Bearer &lt;api key&gt;</c>. The key's scopes become
/// permission claims, so machines and people pass the same permission policies.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private int? _retryAfterSeconds;
    private bool _unavailable;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = BearerToken(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }
        // Each request a key makes takes a token from its bucket (authentication runs once per request).
        var result = await verifier.VerifyAsync(key, new VerifyOptions(ClientIp: Context.Connection.RemoteIpAddress), Context.RequestAborted);
        if (result is { Valid: false, Reason: KeyVerifyReasons.RateLimited or KeyVerifyReasons.Unavailable })
        {
            _retryAfterSeconds = result.RetryAfterSeconds ?? 1;
            _unavailable = result.Reason == KeyVerifyReasons.Unavailable;
        }
        if (!result.Valid)
        {
            // The reason is safe to tell; the key itself never goes into the message.
            return AuthenticateResult.Fail($"API key rejected: {result.Reason}.");
        }
        var claims = new List<Claim>
        {
            new(ConsoleClaims.ApiKeyId, result.KeyId.ToString()),
            new(ClaimTypes.NameIdentifier, result.OwnerUserId!),
            new(ClaimTypes.Name, $"key:{result.DisplayKey}"),
        };
        claims.AddRange(result.Scopes.Where(Permissions.IsKnown).Select(s => new Claim(Permissions.ClaimType, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    /// <summary>
    /// A key over its rate limit is answered 429 with Retry-After, not 401: the key is fine, it has to wait. A key
    /// that could not be looked up (the database is unavailable) is answered 503 with Retry-After: not let in, and not
    /// told it is bad either.
    /// </summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_retryAfterSeconds is not { } seconds)
        {
            // RFC 6750: a bearer token that was sent and refused is an invalid token, whatever the reason (not told).
            Response.Headers.WWWAuthenticate = $"{Challenge}, error=\"invalid_token\"";
            await base.HandleChallengeAsync(properties);
            return;
        }
        var status = _unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests;
        Response.StatusCode = status;
        Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await (_unavailable
            ? Results.Problem(
                title: "The key could not be checked",
                detail: $"The console's database is unavailable, so the key could not be looked up. Try again in {seconds} s.",
                statusCode: status)
            : Results.Problem(
                title: "This key is over its rate limit",
                detail: $"The key may make a limited number of requests per minute. Try again in {seconds} s.",
                statusCode: status)).ExecuteAsync(Context);
    }

    /// <summary>The WWW-Authenticate challenge of an API 401: the API takes an API key as a bearer token.</summary>
    internal const string Challenge = "Bearer realm=\"Security Console\"";

    /// <summary>Whether the request carries a bearer token, without copying it out.</summary>
    internal static bool HasBearerToken(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
