using Microsoft.JSInterop;

namespace SecurityConsole.Client.Services;

/// <summary>
/// Assemblies the Dashboard never runs, left out of the first load and fetched by the client's first navigation to any
/// other page, before that page is drawn (Routes.razor, ADR 0140). Which ones is what this client's own start left out:
/// <c>Console.Client.csproj</c> marks them (<c>BlazorWebAssemblyLazyLoad</c>), and the client reads the list from its
/// runtime's boot configuration (js/deferredAssemblies.js), so that the list lives in one place and a build that defers
/// less (expression trees are deferred by a publish only) asks for nothing it did not leave out.
/// </summary>
internal static class DeferredAssemblies
{
    /// <summary>The files this client's boot configuration marks lazy (empty where nothing is, as on the server and in bUnit).</summary>
    public static async Task<string[]> ListAsync(IJSRuntime js)
    {
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/deferredAssemblies.js");
        return await module.InvokeAsync<string[]>("lazyAssemblies");
    }

    /// <summary>Whether the page at this base-relative path may need them: every page but the Dashboard.</summary>
    public static bool NeededFor(string relativePath)
    {
        var path = relativePath.AsSpan();
        var end = path.IndexOfAny('?', '#');
        if (end >= 0)
        {
            path = path[..end];
        }
        return !path.Trim('/').IsEmpty;
    }
}
