using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Security;

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
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = BearerToken(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }
        // The per-key rate limit is answered by verify for now; enforcing it here (429) is a later step of issue 4.
        var result = await verifier.VerifyAsync(key,
            new VerifyOptions(ClientIp: Context.Connection.RemoteIpAddress, CountAgainstRateLimit: false), Context.RequestAborted);
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

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
