using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Realtime;

namespace SecurityConsole.Client.Tests.Realtime;

public sealed class LiveIndicatorTests : ConsoleTestContext
{
    [Theory]
    [InlineData(LiveState.Connected, "Live", "connected")]
    [InlineData(LiveState.Reconnecting, "Reconnecting…", "reconnecting")]
    [InlineData(LiveState.Offline, "Offline", "offline")]
    [InlineData(LiveState.Connecting, "Connecting…", "connecting")]
    public void LiveIndicatorSaysWhetherWhatThePersonSeesIsLive(LiveState state, string label, string dataState)
    {
        var cut = Render<LiveIndicator>(p => p.Add(c => c.StateOverride, state));

        var chip = cut.Find("[data-testid=live-indicator]");
        Assert.Equal(label, chip.TextContent.Trim());
        Assert.Equal(dataState, chip.GetAttribute("data-state"));
    }

    [Fact]
    public void LiveIndicatorUsesDifferentColoursForLiveAndOffline()
    {
        var live = Render<LiveIndicator>(p => p.Add(c => c.StateOverride, LiveState.Connected)).Find("[data-testid=live-indicator]");
        var offline = Render<LiveIndicator>(p => p.Add(c => c.StateOverride, LiveState.Offline)).Find("[data-testid=live-indicator]");

        Assert.Contains("mud-chip-color-success", live.ClassName);
        Assert.Contains("mud-chip-color-error", offline.ClassName);
    }

    [Fact]
    public async Task LiveIndicatorTurnsOfflineWhenTheHubCannotBeReached()
    {
        // The test host has no hub at http://localhost/hubs/alerts: the real connection fails and says so.
        var connection = Services.GetRequiredService<LiveConnection>();
        var cut = Render<LiveIndicator>();
        Assert.Equal("Connecting…", cut.Find("[data-testid=live-indicator]").TextContent.Trim());

        _ = connection.StartAsync();

        cut.WaitForAssertion(() => Assert.Equal("Offline", cut.Find("[data-testid=live-indicator]").TextContent.Trim()), TimeSpan.FromSeconds(15));
        await connection.DisposeAsync();
    }
}
