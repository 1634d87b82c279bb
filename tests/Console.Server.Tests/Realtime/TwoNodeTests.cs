using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Realtime;

/// <summary>Two console nodes on one PostgreSQL database (and one Redis), as behind a load balancer.</summary>
public sealed class TwoNodeTests(PostgresServer postgres, RedisServer redis)
{
    [Fact]
    public async Task ASignInCookieIssuedByOneNodeIsAcceptedByAnotherOnTheSameDatabase()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var first = new ConsoleFactory(DatabaseProvider.Postgres, database);
        var email = $"roaming-{Guid.NewGuid():N}@example.test";
        var browser = await first.SignedInClientAsync(Roles.Auditor, email);

        await using var second = new ConsoleFactory(DatabaseProvider.Postgres, database);
        var sameBrowser = second.CreateBrowserClient();
        sameBrowser.Cookies.Add(browser.Cookies.GetAllCookies());
        var me = await sameBrowser.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct);
        Assert.Equal(email, me!.Email);

        // Control: a node with its own database (so its own keys) cannot read the cookie.
        await using var stranger = await ConsoleFactory.PostgresAsync(postgres);
        var elsewhere = stranger.CreateBrowserClient();
        elsewhere.Cookies.Add(browser.Cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.GetAsync("/api/v1/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task AMessageSentOnOneNodeReachesAClientConnectedToAnotherThroughRedis()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var sender = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        await using var receiver = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        var analyst = await receiver.SignedInClientAsync(Roles.SecurityAnalyst);
        await using var connection = AlertsHubTests.Connect(receiver, analyst.CookieHeader);
        var payload = $"alert-{Guid.NewGuid():N}";
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>(HubMethods.AlertChanged, value => { if (value == payload) { received.TrySetResult(value); } });
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(connection, HubMethods.Welcome);
        await connection.StartAsync(Ct);
        await Eventually.ArrivesAsync("the hub's welcome", welcome);

        var hub = sender.Services.GetRequiredService<IHubContext<ConsoleHub>>();
        var sent = 0;
        // The backplane subscription is made asynchronously; resend until it carries the message.
        await Eventually.HoldsAsync("the message sent on one node to reach the client on the other", async () =>
        {
            await hub.Clients.Group(ConsoleHub.AlertReaders).SendAsync(HubMethods.AlertChanged, payload, Ct);
            await Task.WhenAny(received.Task, Task.Delay(300, Ct));
            return (received.Task.IsCompleted, $"sent {++sent} times, not received");
        });
        Assert.True(received.Task.IsCompleted, "The message sent on one node never reached the client on the other");
    }

    [Fact]
    public async Task WithoutRedisAMessageSentOnOneNodeDoesNotReachAnother()
    {
        // The control for the test above: it is Redis that carries the message.
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var sender = new ConsoleFactory(DatabaseProvider.Postgres, database);
        await using var receiver = new ConsoleFactory(DatabaseProvider.Postgres, database);
        var analyst = await receiver.SignedInClientAsync(Roles.SecurityAnalyst);
        await using var connection = AlertsHubTests.Connect(receiver, analyst.CookieHeader);
        var received = AlertsHubTests.Expect<string>(connection, HubMethods.AlertChanged);
        var welcome = AlertsHubTests.Expect<DateTimeOffset>(connection, HubMethods.Welcome);
        await connection.StartAsync(Ct);
        await Eventually.ArrivesAsync("the hub's welcome", welcome);
        await sender.Services.GetRequiredService<IHubContext<ConsoleHub>>().Clients.All.SendAsync(HubMethods.AlertChanged, "lost", Ct);
        await Task.Delay(1000, Ct);
        Assert.False(received.IsCompleted);
    }
}
