using System.Diagnostics;
using System.Net.Sockets;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>A throwaway redis-server on a free loopback port, without persistence.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _process;

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

    public async ValueTask InitializeAsync()
    {
        var exe = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (exe is null)
        {
            Unavailable = "redis-server not found: apt-get install redis-server";
            return;
        }
        Port = TestEnvironment.FreePort();
        var psi = new ProcessStartInfo(exe,
            ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}
