using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// The real Console.Server, started from its build output on a free loopback port with a fresh SQLite
/// database in a temporary folder, as an operator would start it on first run.
/// </summary>
public sealed partial class ConsoleServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _setupLink = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _dataDirectory;

    private ConsoleServerProcess(Process process, string dataDirectory, string baseUrl, string serverDll)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        _serverDll = serverDll;
        BaseUrl = baseUrl;
    }

    private readonly string _serverDll;

    public string BaseUrl { get; }

    /// <summary>Everything the server wrote, for failure messages.</summary>
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

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>Starts the server; <paramref name="extraArgs"/> are added to its command line (such as <c>--demo</c>).</summary>
    public static ConsoleServerProcess Start(params string[] extraArgs)
    {
        var serverDll = Metadata("ServerAssembly");
        if (!File.Exists(serverDll))
        {
            throw new InvalidOperationException($"The server is not built at {serverDll}; build tests/Console.E2E.Tests, which builds it.");
        }
        var port = FreePort();
        // "localhost", not an IP address: passkeys (WebAuthn) on the sign-in page refuse IP addresses as a domain.
        var baseUrl = $"http://localhost:{port}";
        var dataDirectory = Directory.CreateTempSubdirectory("console-e2e-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[serverDll, "--urls", baseUrl, ConnectionArgument(dataDirectory), .. extraArgs])
        {
            start.ArgumentList.Add(arg);
        }
        // Development serves the static web assets (the Blazor client, MudBlazor, apexcharts) from the build output.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new ConsoleServerProcess(process, dataDirectory, baseUrl, serverDll);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.Exited += (_, _) => server._setupLink.TrySetException(
            new InvalidOperationException($"The server exited with code {process.ExitCode} before printing a setup link:\n{server.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>The one-time link the server prints when no user exists yet.</summary>
    public async Task<string> SetupLinkAsync(TimeSpan timeout)
    {
        try
        {
            return await _setupLink.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The server printed no setup link within {timeout.TotalSeconds:0} s:\n{Output}");
        }
    }

    /// <summary>
    /// Runs one of the console's operator commands (<c>admin create-user</c>, <c>admin create-token</c>…) against
    /// this server's database, as an operator would on the same machine; <paramref name="stdin"/> is written to it.
    /// </summary>
    public async Task<(int ExitCode, string Output, string Errors)> RunCommandAsync(string[] args, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(_serverDll)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[_serverDll, .. args, ConnectionArgument(_dataDirectory)])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output, await errors);
    }

    private static string ConnectionArgument(string dataDirectory) =>
        $"--ConnectionStrings:Console=Data Source={Path.Combine(dataDirectory, "console.db")}";

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (SetupLinkPattern().Match(line) is { Success: true } match)
        {
            _setupLink.TrySetResult(match.Value);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Metadata(string key) =>
        typeof(ConsoleServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [GeneratedRegex(@"https?://\S+/setup\?token=\S+")]
    private static partial Regex SetupLinkPattern();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process is left for the OS to clean; the folder is in /tmp.
        }
    }
}
