using System.Runtime.CompilerServices;
using System.Xml.Linq;
using SecurityConsole.Client.Services;

namespace SecurityConsole.Client.Tests.Services;

/// <summary>What the first load leaves out (ADR 0140): the same files the project marks lazy, fetched for every page but the Dashboard.</summary>
public sealed class DeferredAssembliesTests
{
    [Fact]
    public void TheClientLoadsTheFilesTheProjectLeavesOutOfTheFirstLoad()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "Console.Client", "Console.Client.csproj"));
        var marked = project.Descendants("BlazorWebAssemblyLazyLoad").Select(e => (string)e.Attribute("Include")!).Order();
        Assert.Equal(marked, DeferredAssemblies.Files.Order());
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("/", false)]
    [InlineData("?tab=1", false)]
    [InlineData("#top", false)]
    [InlineData("keys", true)]
    [InlineData("keys/request?service=billing", true)]
    [InlineData("reports/templates/new", true)]
    [InlineData("no-such-page", true)]
    public void EveryPageButTheDashboardNeedsThem(string path, bool needed) =>
        Assert.Equal(needed, DeferredAssemblies.NeededFor(path));

    private static string RepositoryRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));
}
