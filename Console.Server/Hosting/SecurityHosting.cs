using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Components.Account;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Users;

namespace SecurityConsole.Server.Hosting;

/// <summary>Assembles sign-in: Identity for people, the API-key scheme (Keys) for services, permission policies, the sign-in rate limit.</summary>
public static class SecurityHosting
{
    public static WebApplicationBuilder AddConsoleSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var sessions = builder.AddSettings<SessionSettings>("Sessions");
        services.AddHttpContextAccessor();
        // Who is calling, once per scope: services take it instead of reading claims (docs/architecture.md).
        services.AddScoped<Caller>();
        services.AddScoped<AdminPresence>();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = ConsoleClaims.ConsoleScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddPolicyScheme(ConsoleClaims.ConsoleScheme, "Cookie or API key", o =>
                o.ForwardDefaultSelector = ctx => ApiKeyAuthenticationHandler.HasBearerToken(ctx.Request)
                    ? ConsoleClaims.ApiKeyScheme
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ConsoleClaims.ApiKeyScheme, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "console.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.ExpireTimeSpan = TimeSpan.FromMinutes(sessions.IdleMinutes);
            o.SlidingExpiration = true;
            // The API answers 401/403; only pages redirect to the sign-in form.
            o.Events.OnRedirectToLogin = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => ApiAware(ctx.HttpContext, ctx.RedirectUri, StatusCodes.Status403Forbidden);
        });
        // Role changes and lock-outs reach signed-in sessions within a minute.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));

        services.AddIdentityCore<ConsoleUser>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = sessions.MaxFailedAttempts;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(sessions.LockoutMinutes);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<ConsoleClaimsPrincipalFactory>()
            .AddDefaultTokenProviders()
            .AddAccountProtection();

        services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationHandler, CallerKindHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ConsoleAuthorizationResultHandler>();
        services.AddAuthorizationBuilder()
            // Policies name no scheme: the default scheme (cookie or API key, ConsoleScheme) is what authenticates.
            .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser())
            // Nothing fails open: an endpoint that forgot to say what it needs still needs a signed-in caller.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(ctx =>
                ConsoleRequests.IsSignInAttempt(ctx.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        "signin:" + (ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter("none"));
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                // A body of its own keeps the status code pages from turning the 429 into another page.
                ctx.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address. Try again in a minute.", ct);
            };
        });
        return builder;
    }

    private static Task ApiAware(HttpContext context, string redirectUri, int status)
    {
        if (ConsoleRequests.IsApiOrHub(context.Request))
        {
            context.Response.StatusCode = status;
            if (status == StatusCodes.Status401Unauthorized)
            {
                // RFC 9110: a 401 names how to authenticate. A service (the API's other caller) brings an API key as a bearer token.
                context.Response.Headers.WWWAuthenticate = ApiKeyAuthenticationHandler.Challenge;
            }
        }
        else
        {
            context.Response.Redirect(redirectUri);
        }
        return Task.CompletedTask;
    }
}
