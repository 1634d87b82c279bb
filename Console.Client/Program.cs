using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.AspNetCore.Components.WebAssembly.Services;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;
using SecurityConsole.Client.Layout;
using SecurityConsole.Client.Realtime;
using SecurityConsole.Client.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);

builder.Services.AddAuthorizationCore(o => o.AddPermissionPolicies());
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddAuthenticationStateDeserialization();
// Bottom right: a confirmation must not cover the page's own actions, which sit top right.
builder.Services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
builder.Services.AddConsoleApi(new Uri(builder.HostEnvironment.BaseAddress));
builder.Services.AddSingleton<LiveConnection>();
builder.Services.AddSingleton<ThemeState>();
// Fetches what the first load left out (DeferredAssemblies, ADR 0140); the host usually registers it already.
builder.Services.TryAddSingleton<LazyAssemblyLoader>();

await builder.Build().RunAsync();
