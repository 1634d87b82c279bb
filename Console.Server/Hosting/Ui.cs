using MudBlazor.Services;
using SecurityConsole.Server.Components;
using SecurityConsole.Server.Components.Account;
using SecurityConsole.Server.Security;

namespace SecurityConsole.Server.Hosting;

public static class Ui
{
    public static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents()
            .AddInteractiveWebAssemblyComponents()
            .AddAuthenticationStateSerialization(o => o.SerializeAllClaims = true);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<IdentityRedirectManager>();
        builder.Services.AddMudServices();
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "console.af");
        return builder;
    }

    public static WebApplication UseConsolePipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        if (app.Environment.IsDevelopment())
        {
            app.UseWebAssemblyDebugging();
        }
        else
        {
            app.UseHsts();
        }
        app.UseConsoleSecurityHeaders();
        app.UseWhen(ctx => !SecurityExtensions.IsApiOrHub(ctx.Request),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // The API's bodiless errors (401, 403, unknown route 404, 405) become problem details too.
        app.UseWhen(ctx => SecurityExtensions.IsApiOrHub(ctx.Request), branch => branch.UseStatusCodePages());
        // Routing after the status code pages, so that re-executing /not-found finds its page
        // (left to WebApplication, routing runs first and the re-executed request has no endpoint).
        app.UseRouting();
        app.UseApiCsrfProtection();
        // The limiter guards the sign-in forms only; other requests do not pass through it at all.
        app.UseWhen(ctx => SecurityExtensions.IsSignInAttempt(ctx.Request), branch => branch.UseRateLimiter());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static void MapConsoleUi(this WebApplication app)
    {
        // Mapped through a group so that AllowAnonymous also reaches the endpoints MapStaticAssets adds
        // on its own (the development-time "{**path:file}" fallback), not only those it returns a builder for.
        app.MapGroup("").AllowAnonymous().MapStaticAssets();
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(SecurityConsole.Client._Imports).Assembly)
            .Add(FrameworkEndpointsAreAnonymous);
        app.MapAdditionalIdentityEndpoints();
    }

    /// <summary>
    /// Blazor's own plumbing under /_framework (resource collection, opaque redirection) carries no data;
    /// pages keep the policies their [Authorize] attributes name.
    /// </summary>
    private static void FrameworkEndpointsAreAnonymous(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder route
            && route.RoutePattern.RawText?.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal) == true)
        {
            endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
        }
    }
}
