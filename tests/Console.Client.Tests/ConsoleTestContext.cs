using System.Security.Claims;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;
using SecurityConsole.Client.Admin;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Audit;
using SecurityConsole.Client.Compliance;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Layout;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Reports;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Threats;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests;

/// <summary>
/// A bUnit context set up like the browser app: MudBlazor, the interactive WebAssembly renderer,
/// a fake API, and (on request) a signed-in person whose permission claims meet the real policies.
/// </summary>
public abstract class ConsoleTestContext : BunitContext
{
    // Waits end as soon as the markup matches; the generous ceiling only keeps a loaded CI runner from failing them.
    static ConsoleTestContext() => DefaultWaitTimeout = TimeSpan.FromSeconds(10);

    protected ConsoleTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // One fake answers for every feature: a page finds the interface it injects, the test sets up Api.
        Services.AddSingleton<IDashboardApi>(Api);
        Services.AddSingleton<IUsersApi>(Api);
        Services.AddSingleton<IAuditApi>(Api);
        Services.AddSingleton<IKeysApi>(Api);
        Services.AddSingleton<IAlertsApi>(Api);
        Services.AddSingleton<IRulesApi>(Api);
        Services.AddSingleton<IThreatsApi>(Api);
        Services.AddSingleton<IComplianceApi>(Api);
        Services.AddSingleton<IReportsApi>(Api);
        Services.AddSingleton<ThemeState>();
        Services.AddSingleton<LiveConnection>();
        // bUnit's own authorization service answers from a list of policy names; the real one replaces
        // it, so that the app's "perm:*" policies are evaluated against "permission" claims as in the browser.
        auth = AddAuthorization();
        Services.AddAuthorizationCore(o => o.AddPermissionPolicies());
        Services.RemoveAll<IAuthorizationService>();
        Services.RemoveAll<IAuthorizationPolicyProvider>();
        Services.AddTransient<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddTransient<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        SetRendererInfo(new RendererInfo("WebAssembly", isInteractive: true));
    }

    private readonly BunitAuthorizationContext auth;

    protected FakeConsoleApi Api { get; } = new();

    /// <summary>The user id of the person <see cref="SignInWith"/> signs in, as the API names owners and requesters.</summary>
    protected const string SignedInUserId = "user-ada";

    /// <summary>Signs in a person holding exactly these permissions.</summary>
    protected void SignInWith(params string[] permissions)
    {
        auth.SetAuthorized("ada@example.com");
        auth.SetClaims([new Claim(ClaimTypes.NameIdentifier, SignedInUserId), .. permissions.Select(p => new Claim(Permissions.ClaimType, p))]);
    }

    /// <summary>
    /// Renders a page together with the providers MainLayout supplies (popovers, dialogs, snackbars);
    /// dialogs render in their provider, so find them through the returned host.
    /// </summary>
    protected IRenderedComponent<Bunit.Rendering.ContainerFragment> RenderPage<TPage>() where TPage : IComponent =>
        Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(3);
            builder.CloseComponent();
        });
}
