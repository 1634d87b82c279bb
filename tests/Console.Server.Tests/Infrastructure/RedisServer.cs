using System.Diagnostics;
using System.Net.Sockets;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// A throwaway redis-server on a free loopback port, without persistence. The assembly fixture is shared by
/// the run; a test that stops Redis starts one of its own (<see cref="StartOwnAsync"/>).
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;
    private string? _exe;

    public string? Unavailable { get; private set; }
    public int Port { get; private set; }

    public string ConnectionString
    {
        get
        {
            if (Unavailable is not null)
            {
                TestEnvironment.SkipOrFail(Unavailable);
            }
            return $"127.0.0.1:{Port},abortConnect=false";
        }
    }

    /// <summary>A server of the test's own, which it may stop and start again on the same port.</summary>
    public static async Task<RedisServer> StartOwnAsync()
    {
        var server = new RedisServer();
        await server.InitializeAsync();
        _ = server.ConnectionString; // skips (or fails under CI) when redis-server is missing
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        _exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (_exe is null)
        {
            Unavailable = "redis-server not found: apt-get install redis-server";
            return;
        }
        Port = TestEnvironment.FreePort();
        await StartAsync();
    }

    /// <summary>Starts the server again on its port after <see cref="StopAsync"/> (empty: nothing is persisted).</summary>
    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo(_exe!,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await Eventually.HoldsAsync($"redis-server to accept connections on port {Port}", async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode} before it accepted connections");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return (true, "connected");
            }
            catch (SocketException ex)
            {
                return (false, ex.Message);
            }
        }, Eventually.ProcessCeiling);
    }

    /// <summary>Kills the server (SIGKILL): every client loses its connection at once.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
