using System.Reflection;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The server as an operator deploys it: <c>dotnet publish</c> of this build (Console.Server's own build output in this
/// configuration), the same publish the browser tests run on (<see cref="PublishedBuild"/>, ADR 0180): one per build
/// and machine, kept between runs, whichever test project asks first.
/// </summary>
public static class PublishedServer
{
    /// <summary>The folder holding the published Console.Server.dll and its wwwroot.</summary>
    public static Task<string> FolderAsync()
    {
        var configuration = typeof(PublishedServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var buildDll = Path.Combine(RepositoryFiles.Root, "Console.Server", "bin", configuration, "net10.0", "Console.Server.dll");
        return PublishedBuild.FolderAsync(RepositoryFiles.Root, buildDll, configuration, TestContext.Current.CancellationToken);
    }
}
