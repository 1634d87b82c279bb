using SecurityConsole.Client.Services;

namespace SecurityConsole.Client.Tests.Services;

/// <summary>
/// What the first load leaves out (ADR 0140) is fetched for every page but the Dashboard. (Which files: the client reads
/// them from its own boot configuration; DeferredAssembliesTests in Console.E2E.Tests check them in the browser.)
/// </summary>
public sealed class DeferredAssembliesTests
{
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
}
