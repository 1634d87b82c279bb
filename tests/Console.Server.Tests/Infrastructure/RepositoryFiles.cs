using System.Reflection;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>The repository this test build came from: its docs, and its projects to publish.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = typeof(RepositoryFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;
}
