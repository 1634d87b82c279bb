// The assemblies this client's own start left out (its boot configuration's lazy list, BlazorWebAssemblyLazyLoad; ADR 0140).
// Read from the running runtime rather than written down in C#: the published client defers more than a build does
// (expression trees only where the trimmer ran), and a client started before a deploy names the files of its own release.
// A module file, loaded on demand: the page's CSP allows no inline script.
export function lazyAssemblies() {
    const runtime = globalThis.Blazor?.runtime ?? globalThis.getDotnetRuntime?.(0);
    return (runtime?.getConfig?.()?.resources?.lazyAssembly ?? []).map(a => a.virtualPath);
}
