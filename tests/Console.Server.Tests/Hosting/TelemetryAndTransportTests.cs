using System.Collections.Concurrent;
using System.Net;

namespace SecurityConsole.Server.Tests.Hosting;

public sealed class TelemetryAndTransportTests
{
    [Fact]
    public async Task WithAnOtlpEndpointSetTracesAndLogsAreExportedToIt()
    {
        var port = TestEnvironment.FreePort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentQueue<string>();
        var listening = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (Exception) when (!collector.IsListening)
                {
                    return;
                }
                received.Enqueue(context.Request.Url!.AbsolutePath);
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }, Ct);

        var factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me", Ct)).StatusCode);
        // Shutting the host down flushes the batching exporters.
        await factory.DisposeAsync();

        await Eventually.HoldsAsync("traces and logs at the collector",
            () => (received.Contains("/v1/traces") && received.Contains("/v1/logs"), $"received: {string.Join(", ", received)}"));
        collector.Stop();
        Assert.Contains("/v1/traces", received);
        Assert.Contains("/v1/logs", received);
    }

    [Fact]
    public async Task OutsideDevelopmentHttpsResponsesCarryHsts()
    {
        await using var factory = ConsoleFactory.Sqlite();
        var client = factory.CreateClient(new() { BaseAddress = new Uri("https://console.example.test") });
        var response = await client.GetAsync("/health/live", Ct);
        Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "no Strict-Transport-Security header");
        Assert.Contains("max-age=", Assert.Single(hsts));
    }
}
