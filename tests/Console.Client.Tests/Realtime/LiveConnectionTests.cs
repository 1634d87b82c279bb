using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Realtime;

namespace SecurityConsole.Client.Tests.Realtime;

public sealed class LiveConnectionTests
{
    private static LiveConnection Connection()
    {
        var services = new ServiceCollection().AddSingleton<NavigationManager, FixedNavigation>().BuildServiceProvider();
        return new LiveConnection(services.GetRequiredService<NavigationManager>());
    }

    [Fact]
    public async Task SubscribersMayJoinBeforeTheConnectionStartsAndLeaveByDisposing()
    {
        var connection = Connection();
        var heard = new List<string>();

        var first = connection.On<string>("ping", s => { heard.Add($"first {s}"); return Task.CompletedTask; });
        using var second = connection.On<string>("ping", s => { heard.Add($"second {s}"); return Task.CompletedTask; });
        await connection.DispatchAsync("ping", "a");
        first.Dispose();
        await connection.DispatchAsync("ping", "b");
        await connection.DispatchAsync("other", "c");

        Assert.Equal(["first a", "second a", "second b"], heard);
    }

    [Fact]
    public void OneMethodCarriesOneType()
    {
        var connection = Connection();
        using var _ = connection.On<string>("ping", _ => Task.CompletedTask);

        Assert.Throws<InvalidOperationException>(() => connection.On<int>("ping", _ => Task.CompletedTask));
    }

    private sealed class FixedNavigation : NavigationManager
    {
        public FixedNavigation() => Initialize("http://localhost/", "http://localhost/");
    }
}
