using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Client.Admin;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Audit;
using SecurityConsole.Client.Compliance;
using SecurityConsole.Client.Dashboard;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Client.Threats;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Client.Tests.Services;

/// <summary>
/// What a page receives when a call fails on the way: always an <see cref="ApiException"/> whose message is the
/// sentence to show, whatever the network, a proxy or the server did. The network here is a stub that answers as told.
/// </summary>
public sealed class ConsoleApiTests
{
    private static readonly Guid KeyId = Guid.Parse("6f1c2b7e-0000-4000-8000-000000000001");

    private static IKeysApi KeysOver(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> network) =>
        new KeysApi(new ConsoleApi(new HttpClient(new StubNetwork(network)) { BaseAddress = new Uri("http://localhost/") }));

    private static Task<HttpResponseMessage> Answer(HttpStatusCode status, string body, string mediaType) =>
        Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) });

    [Fact]
    public async Task WhenTheNetworkFailsTheCallFailsWithTheSentenceThePageShows()
    {
        var keys = KeysOver((_, _) => throw new HttpRequestException("Failed to fetch"));

        var failure = await Assert.ThrowsAsync<ApiException>(() => keys.GetKeyAsync(KeyId, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("The console could not be reached. Check your connection and try again.", failure.Message);
        Assert.Null(failure.Status);
        Assert.Empty(failure.Errors);
    }

    [Fact]
    public async Task WhenTheConsoleDoesNotAnswerInTimeTheCallSaysSo()
    {
        // HttpClient reports its own time limit as a cancellation that nobody asked for.
        var keys = KeysOver((_, _) => throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.", new TimeoutException()));

        var failure = await Assert.ThrowsAsync<ApiException>(() => keys.GetKeyAsync(KeyId, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("The console did not answer in time. Check your connection and try again.", failure.Message);
        Assert.Null(failure.Status);
    }

    [Fact]
    public async Task ACancellationTheCallerAskedForStaysACancellation()
    {
        var keys = KeysOver(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Xunit.TestContext.Current.CancellationToken);

        var call = keys.GetKeyAsync(KeyId, stop.Token);
        await stop.CancelAsync();

        var thrown = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.IsNotType<ApiException>(thrown);
    }

    [Fact]
    public async Task ProblemDetailsWithFieldErrorsBecomeTheFailuresFieldErrors()
    {
        var keys = KeysOver((_, _) => Answer(HttpStatusCode.BadRequest,
            """{"title":"Some fields need attention","status":400,"errors":{"reason":["This field is required."]}}""", "application/problem+json"));

        var failure = await Assert.ThrowsAsync<ApiException>(() => keys.RevokeKeyAsync(KeyId, new RevokeKeyRequest(""), Xunit.TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, failure.Status);
        Assert.Equal(["This field is required."], failure.Errors["reason"]);
        Assert.Equal("This field is required.", failure.Message);
    }

    [Fact]
    public async Task ARefusalCarriesTheServersReason()
    {
        var keys = KeysOver((_, _) => Answer(HttpStatusCode.Forbidden,
            """{"title":"Forbidden","status":403,"detail":"A key request may ask only for what its requester may be granted."}""", "application/problem+json"));

        var failure = await Assert.ThrowsAsync<ApiException>(() => keys.GetKeyAsync(KeyId, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, failure.Status);
        Assert.Equal("A key request may ask only for what its requester may be granted.", failure.Message);
    }

    [Fact]
    public async Task AFailureWithoutProblemDetailsIsDescribedByItsStatus()
    {
        var keys = KeysOver((_, _) => Answer(HttpStatusCode.BadGateway, "<html><body>502 Bad Gateway</body></html>", "text/html"));

        var failure = await Assert.ThrowsAsync<ApiException>(() => keys.GetKeyAsync(KeyId, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadGateway, failure.Status);
        Assert.Equal("The console had a problem. Try again; if it persists, tell your admin.", failure.Message);
    }

    [Fact]
    public async Task ASuccessWhoseBodyIsNotTheApisFailsAsUnreadable()
    {
        // A captive portal or a misrouted proxy answers 200 with a page of its own.
        var keys = KeysOver((_, _) => Answer(HttpStatusCode.OK, "<html><body>Sign in to the Wi-Fi</body></html>", "text/html"));

        var failure = await Assert.ThrowsAsync<ApiException>(() => keys.GetKeyAsync(KeyId, Xunit.TestContext.Current.CancellationToken));

        Assert.Equal("The console's answer could not be read. Reload the page and try again.", failure.Message);
    }

    [Fact]
    public void EveryFeaturesApiIsRegisteredForThePagesThatInjectIt()
    {
        using var services = new ServiceCollection().AddConsoleApi(new Uri("http://localhost/")).BuildServiceProvider();
        using var scope = services.CreateScope();

        Assert.IsType<DashboardApi>(scope.ServiceProvider.GetRequiredService<IDashboardApi>());
        Assert.IsType<UsersApi>(scope.ServiceProvider.GetRequiredService<IUsersApi>());
        Assert.IsType<AuditApi>(scope.ServiceProvider.GetRequiredService<IAuditApi>());
        Assert.IsType<KeysApi>(scope.ServiceProvider.GetRequiredService<IKeysApi>());
        Assert.IsType<AlertsApi>(scope.ServiceProvider.GetRequiredService<IAlertsApi>());
        Assert.IsType<RulesApi>(scope.ServiceProvider.GetRequiredService<IRulesApi>());
        Assert.IsType<ThreatsApi>(scope.ServiceProvider.GetRequiredService<IThreatsApi>());
        Assert.IsType<ComplianceApi>(scope.ServiceProvider.GetRequiredService<IComplianceApi>());
    }

    private sealed class StubNetwork(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) => answer(request, ct);
    }
}
