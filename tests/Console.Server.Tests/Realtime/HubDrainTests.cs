using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Hosting;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Realtime;

/// <summary>
/// On SIGTERM a node closes its hub connections at the start of the drain, so that browsers reconnect (through the
/// balancer) to a node that stays, and refuses new ones with 503, which nginx passes to the next node (issue 15).
/// </summary>
public sealed class HubDrainTests
{
    [Fact]
    public async Task AStoppingNodeClosesItsHubConnectionsAtOnceAndRefusesNewOnes()
    {
        var connection = $"Data Source={DatabaseTemplates.MigratedSqliteFile("hub-drain")}";
        await using var node = new ConsoleFactory(DatabaseProvider.Sqlite, connection, extra: new Dictionary<string, string?> { ["Shutdown:DrainSeconds"] = "60" });
        var analyst = await node.SignedInClientAsync(Roles.SecurityAnalyst);
        await using var hub = AlertsHubTests.Connect(node, analyst.CookieHeader);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(hub, HubMethods.Welcome);
        await hub.StartAsync(Ct);
        await Eventually.ArrivesAsync("the hub's welcome", welcome);

        // SIGTERM's first step, as the host runs it: the drain (60 s here) has only begun when the browser is told.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var draining = node.Services.GetRequiredService<GracefulShutdown>().StoppingAsync(stop.Token);
        await Eventually.ArrivesAsync("the hub connection to be closed by the stopping node", closed.Task);
        Assert.False(draining.IsCompleted, "the drain ended before the hub connection was closed");

        using var negotiate = node.CreateClient();
        negotiate.DefaultRequestHeaders.Add("Cookie", analyst.CookieHeader);
        negotiate.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        var refused = await negotiate.PostAsync($"{HubRoutes.Alerts}/negotiate?negotiateVersion=1", null, Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        await stop.CancelAsync();
        await draining;
        // The drain was seen; the node's own stop at the end of the test (the host's, at dispose) need not wait 60 s more.
        node.Services.GetRequiredService<ShutdownSettings>().DrainSeconds = 0;
    }
}
