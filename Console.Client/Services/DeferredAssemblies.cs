namespace SecurityConsole.Client.Services;

/// <summary>
/// Assemblies the Dashboard never runs, left out of the first load and fetched by the client's first navigation to any
/// other page, before that page is drawn (Routes.razor, ADR 0140). Console.Client.csproj marks the same files
/// <c>BlazorWebAssemblyLazyLoad</c>; a test keeps the two lists equal.
/// </summary>
internal static class DeferredAssemblies
{
    /// <summary>
    /// Expression trees (MudBlazor's form fields' <c>For</c>), DiffPlex (the report editor's diff), big integers
    /// (MudBlazor's numeric fields) and data annotations (MudBlazor's form validation): nothing on the Dashboard or in the
    /// layout around it uses them. Not regular expressions: System.Text.Json holds one in a static field, so the client's
    /// first JSON read needs the assembly (measured: the Dashboard never became interactive without it).
    /// </summary>
    public static readonly IReadOnlyList<string> Files =
    [
        "System.Linq.Expressions.wasm",
        "System.Runtime.Numerics.wasm",
        "System.ComponentModel.Annotations.wasm",
        "DiffPlex.wasm",
    ];

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
