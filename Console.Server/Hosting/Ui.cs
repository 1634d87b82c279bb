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
        app.UseApiCsrfProtection();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static void MapConsoleUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(SecurityConsole.Client._Imports).Assembly);
        app.MapAdditionalIdentityEndpoints();
    }
}
