using MudBlazor.Services;
using SecurityConsole.Server.Components;
using SecurityConsole.Server.Components.Account;
using SecurityConsole.Server.Components.Prerendering;
using SecurityConsole.Server.Hosting.ApiContract;
using SecurityConsole.Server.Security;

namespace SecurityConsole.Server.Hosting;

public static class ConsolePipeline
{
    public static WebApplicationBuilder AddConsoleUi(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            // The build output (dotnet run -c Release, or bin/ started from the project folder) keeps the client's,
            // MudBlazor's and ApexCharts' files where the build left them, listed in its runtime manifest; Development
            // reads that manifest by default, every other environment needs this, or those scripts answer 500.
            // Published output has no such manifest (its files are in wwwroot) and is unaffected.
            builder.WebHost.UseStaticWebAssets();
        }
        builder.Services.AddRazorComponents()
            .AddInteractiveWebAssemblyComponents()
            .AddAuthenticationStateSerialization(o => o.SerializeAllClaims = true);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<IdentityRedirectManager>();
        builder.Services.AddMudServices();
        // The Dashboard is drawn on the server first; these stand in for the browser's services while it is (ADR 0095).
        builder.Services.AddPrerenderedPages();
        builder.AddTransportSecurity();
        return builder;
    }

    public static WebApplication UseConsolePipeline(this WebApplication app)
    {
        app.UseConsoleForwardedHeaders();
        app.UseExceptionHandler();
        if (app.Environment.IsDevelopment())
        {
            app.UseWebAssemblyDebugging();
        }
        else
        {
            app.UseHsts();
            app.KeepHstsOnErrorResponses();
        }
        app.UseConsoleSecurityHeaders();
        app.UseWhen(ctx => !ConsoleRequests.IsApiOrHub(ctx.Request),
            branch => branch.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        // The API's bodiless errors (401, 403, unknown route 404, 405) become problem details too.
        app.UseWhen(ctx => ConsoleRequests.IsApiOrHub(ctx.Request), branch => branch.UseStatusCodePages());
        // Routing after the status code pages, so that re-executing /not-found finds its page
        // (left to WebApplication, routing runs first and the re-executed request has no endpoint).
        app.UseRouting();
        // A renamed route says so on every answer, refusals included (docs/api.md, "Versioning and deprecation").
        app.UseDeprecationHeaders();
        app.UseApiCsrfProtection();
        // The limiter guards the sign-in forms only; other requests do not pass through it at all.
        app.UseWhen(ctx => ConsoleRequests.IsSignInAttempt(ctx.Request), branch => branch.UseRateLimiter());
        app.UseAuthentication();
        // /metrics answers here, once the caller is known (a permission opens it), before any page or API endpoint.
        app.UseConsoleMetrics();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>
    /// The exception handler clears every header before it writes its answer, so a 500 (or a refused form) would go out
    /// without the HSTS header UseHsts set: it is put back when the response starts, with the value UseHsts chose.
    /// </summary>
    private static void KeepHstsOnErrorResponses(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var hsts = context.Response.Headers.StrictTransportSecurity;
        if (!Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(hsts))
        {
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.StrictTransportSecurity = hsts;
                return Task.CompletedTask;
            });
        }
        return next(context);
    });

    public static void MapConsoleUi(this WebApplication app)
    {
        // The static assets and the pages share one group: the WebAssembly render mode looks for the static asset endpoints
        // among those of the builder it is added to. Apart, it warned at every start ("Mapped static asset endpoints not
        // found") and the pages lost the fingerprinted import map and the preload links of the client's files.
        var ui = app.MapGroup("");
        ui.MapStaticAssets().AllowAnonymous();
        // MapStaticAssets adds Development's "{**path:file}" fallback (files added after the start) on its own, outside
        // the builder it returns, and the pages add the fingerprinted resource collection under /_framework: the group's
        // conventions make those anonymous too.
        ((IEndpointConventionBuilder)ui).Add(StaticFileFallbackIsAnonymous);
        ((IEndpointConventionBuilder)ui).Add(FrameworkEndpointsAreAnonymous);
        ui.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(SecurityConsole.Client._Imports).Assembly)
            .Add(FrameworkEndpointsAreAnonymous);
        app.MapAdditionalIdentityEndpoints();
    }

    private static void StaticFileFallbackIsAnonymous(EndpointBuilder endpoint)
    {
        if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: "{**path:file}" or "/{**path:file}" })
        {
            endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
        }
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
