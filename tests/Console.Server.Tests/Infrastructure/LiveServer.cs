using System.Diagnostics;
using System.Text;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The built server as a separate, long-running process on a free loopback port, for tests that must
/// kill it as an orchestrator or a power cut would (<see cref="KillHard"/> is SIGKILL: no shutdown code runs).
/// </summary>
public sealed class LiveServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LiveServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<LiveServer> StartAsync(IEnumerable<string> args)
    {
        var port = TestEnvironment.FreePort();
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Console.Server.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        // On the command line: it wins over the Urls of appsettings.json.
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        psi.Environment.Remove("DOTNET_ENVIRONMENT");
        psi.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        var server = new LiveServer(new Process { StartInfo = psi }, new Uri($"http://127.0.0.1:{port}/"));
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {server._process.ExitCode} before it answered:\n{server.Output}");
            }
            try
            {
                if ((await probe.GetAsync("health/live", Ct)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"The server did not answer within 90 s:\n{server.Output}");
            }
            await Task.Delay(200, Ct);
        }
    }

    public HttpClient Client(string bearer)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>SIGKILL, at once: no graceful shutdown, no flushing, as a crash or kill -9.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        _process.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
