using SecurityConsole.Client.Shared;

namespace SecurityConsole.Client.Tests.Shared;

public sealed class EmptyStateTests : ConsoleTestContext
{
    [Fact]
    public void EmptyStateShowsItsTitleTextAndActions()
    {
        var cut = Render<EmptyState>(p => p
            .Add(c => c.Title, "No API keys yet")
            .Add(c => c.Text, "Request a key for your service.")
            .AddChildContent("<button id=\"request\">Request a key</button>"));

        var state = cut.Find("[data-testid=empty-state]");
        Assert.Contains("No API keys yet", state.QuerySelector("h6")!.TextContent);
        Assert.Contains("Request a key for your service.", state.TextContent);
        Assert.Equal("Request a key", cut.Find("#request").TextContent);
    }

    [Fact]
    public void EmptyStateWithoutActionsShowsNoButton()
    {
        var cut = Render<EmptyState>(p => p.Add(c => c.Title, "Nothing here"));

        Assert.Empty(cut.FindAll("button"));
        Assert.Contains("Nothing here", cut.Markup);
    }
}
