using System.Net;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Realtime;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Realtime;

public sealed class AlertsHubTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    [Fact]
    public async Task AnAnonymousConnectionToTheAlertsHubIsRefused()
    {
        await using var connection = Connect(console.Factory, cookieHeader: null);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task ASignedInPersonConnectsAndIsWelcomed()
    {
        var browser = await console.Factory.SignedInClientAsync(Roles.Developer);
        await using var connection = Connect(console.Factory, browser.CookieHeader);
        var welcome = Expect<DateTimeOffset>(connection, HubMethods.Welcome);
        await connection.StartAsync(Ct);
        var serverTime = await Eventually.ArrivesAsync("the hub's welcome", welcome);
        Assert.InRange(serverTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task ACookieConnectionWithoutTheConsoleHeaderIsRefused()
    {
        // Negotiation is a POST: a page on another site must not open the hub on the sign-in cookie.
        var browser = await console.Factory.SignedInClientAsync(Roles.Developer);
        await using var connection = Connect(console.Factory, browser.CookieHeader, consoleHeader: false);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync(Ct));
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task AnAlertSentToAlertReadersReachesAnAnalystButNotADeveloper()
    {
        var analyst = await console.Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var developer = await console.Factory.SignedInClientAsync(Roles.Developer);
        await using var analystHub = Connect(console.Factory, analyst.CookieHeader);
        await using var developerHub = Connect(console.Factory, developer.CookieHeader);
        var analystGot = Expect<string>(analystHub, HubMethods.AlertChanged);
        var developerGot = Expect<string>(developerHub, HubMethods.AlertChanged);
        var analystWelcome = Expect<DateTimeOffset>(analystHub, HubMethods.Welcome);
        var developerWelcome = Expect<DateTimeOffset>(developerHub, HubMethods.Welcome);
        await analystHub.StartAsync(Ct);
        await developerHub.StartAsync(Ct);
        await Eventually.ArrivesAsync("both hubs' welcome", Task.WhenAll(analystWelcome, developerWelcome));

        var hub = console.Factory.Services.GetRequiredService<IHubContext<ConsoleHub>>();
        await hub.Clients.Group(ConsoleHub.AlertReaders).SendAsync(HubMethods.AlertChanged, "alert-1", Ct);

        Assert.Equal("alert-1", await Eventually.ArrivesAsync("the alert at the analyst's hub", analystGot));
        await Task.Delay(500, Ct);
        Assert.False(developerGot.IsCompleted, "A developer without alerts:read received an alert");
    }

    internal static HubConnection Connect(ConsoleFactory factory, string? cookieHeader, bool consoleHeader = true) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(factory.Server.BaseAddress, "hubs/alerts"), o =>
            {
                o.HttpMessageHandlerFactory = _ => factory.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                if (cookieHeader is not null)
                {
                    o.Headers["Cookie"] = cookieHeader;
                }
                if (consoleHeader)
                {
                    o.Headers[ApiConventions.CsrfHeader] = ApiConventions.CsrfHeaderValue;
                }
            })
            .Build();

    internal static Task<T> Expect<T>(HubConnection connection, string method)
    {
        var received = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<T>(method, value => received.TrySetResult(value));
        return received.Task;
    }
}
