using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SecurityConsole.Testing;

/// <summary>
/// The console as its own process (<c>dotnet Console.Server.dll …</c>), as an operator runs it: started on a free loopback
/// port and waited for until it answers, or run as a command to its end. The one launcher of the server tests, the browser
/// tests and the benchmarks; what each needs differently is in <see cref="ConsoleProcessOptions"/>. Compiled into those
/// projects (linked source), not into the product.
/// </summary>
public sealed partial class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workingDirectory;
    private readonly StringBuilder _output = new();
    private readonly StreamWriter? _log;
    private readonly TaskCompletionSource<string> _setupLink = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ConsoleProcess(ConsoleProcessOptions options, Process process, string workingDirectory, Uri baseAddress)
    {
        Options = options;
        _process = process;
        _workingDirectory = workingDirectory;
        BaseAddress = baseAddress;
        _log = options.LogFile is null ? null : new StreamWriter(options.LogFile) { AutoFlush = true };
    }

    public ConsoleProcessOptions Options { get; }

    /// <summary>Where it listens, ending in a slash (for <see cref="HttpClient.BaseAddress"/>).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Where it listens, without the final slash, as the console writes its own links.</summary>
    public string BaseUrl => BaseAddress.ToString().TrimEnd('/');

    public int Pid => _process.Id;

    /// <summary>Everything it wrote to standard output and standard error, for assertions and failure messages.</summary>
    public string Output
    {
        get
        {
            if (Options.LogFile is { } file)
            {
                using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                return reader.ReadToEnd();
            }
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the console and returns once it answers <c>/health/live</c>; fails with its output if it exits or never answers.</summary>
    public static async Task<ConsoleProcess> StartAsync(ConsoleProcessOptions options)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://{options.Host}:{port}/");
        var workingDirectory = WorkingDirectoryOf(options);
        // On the command line, or in the standard variable the test names.
        var address = baseAddress.ToString().TrimEnd('/');
        var start = options.AddressVariable switch
        {
            null => StartInfo(options with { Args = [.. options.Args, "--urls", address] }, workingDirectory),
            "ASPNETCORE_HTTP_PORTS" => InEnvironment($"{port}", unset: "ASPNETCORE_URLS"),
            "ASPNETCORE_URLS" => InEnvironment(address, unset: "ASPNETCORE_HTTP_PORTS"),
            var other => throw new ArgumentException($"{other} is not a hosting variable the console's address can be given in", nameof(options)),
        };
        var server = new ConsoleProcess(options, new Process { StartInfo = start, EnableRaisingEvents = true }, workingDirectory, baseAddress);
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data, fromStdout: true);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, fromStdout: false);
        server._process.Exited += (_, _) => server._setupLink.TrySetException(
            new InvalidOperationException($"The console exited with {server._process.ExitCode} before it printed a setup link:\n{server.Output}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilItAnswersAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        // The address in the variable the test names, and the other one unset (the test runner's own may have it).
        ProcessStartInfo InEnvironment(string value, string unset) =>
            StartInfo(options with { Environment = new Dictionary<string, string?>(options.Environment) { [options.AddressVariable!] = value, [unset] = null } }, workingDirectory);
    }

    /// <summary>
    /// Runs a command (<c>migrate</c>, <c>admin create-user</c>…) or a start expected to fail, to its end, writing
    /// <paramref name="stdin"/> (as given: end a line with \n) to its standard input. Killed, with its output in the
    /// failure, if it runs past the ceiling.
    /// </summary>
    public static async Task<ConsoleCommandResult> RunAsync(ConsoleProcessOptions options, string? stdin = null)
    {
        var workingDirectory = WorkingDirectoryOf(options);
        var start = StartInfo(options, workingDirectory);
        start.RedirectStandardInput = true;
        // A start that does not fail must not take a port another test uses.
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }
        process.StandardInput.Close();
        try
        {
            await Eventually.ArrivesAsync($"Console.Server {string.Join(' ', options.Args)} to exit", process.WaitForExitAsync(), options.Ceiling,
                () => $"\n--- stdout\n{Text(stdout)}\n--- stderr\n{Text(stderr)}");
        }
        catch when (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        finally
        {
            process.WaitForExit(); // drains the output events
            DeleteScratch(options, workingDirectory);
        }
        return new ConsoleCommandResult(process.ExitCode, Text(stdout), Text(stderr));
    }

    /// <summary>A command run against the same build, working directory and environment as this console (so its database).</summary>
    public Task<ConsoleCommandResult> RunAsync(IEnumerable<string> args, string? stdin = null) =>
        RunAsync(Options with { Args = [.. args], WorkingDirectory = _workingDirectory, InScratchDirectory = false }, stdin);

    /// <summary>The one-time link it prints on its standard output while no admin exists (needs <see cref="ConsoleProcessOptions.PrintSetupLink"/>).</summary>
    public Task<string> SetupLinkAsync() =>
        Eventually.ArrivesAsync("the setup link in the console's output", _setupLink.Task, Options.Ceiling, () => "\n" + Output);

    /// <summary>An HTTP client of its address, holding a key when <paramref name="bearer"/> is given.</summary>
    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = Options.Ceiling };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>SIGKILL, at once: no graceful shutdown, no flushing, as a crash, an OOM kill or kill -9.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as an orchestrator stops it: it shuts down in order (the writer drains its queue); killed if it has not within the ceiling.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Options.Ceiling);
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Options.StopGracefully)
        {
            await StopAsync();
        }
        else if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _log?.Dispose();
        DeleteScratch(Options, _workingDirectory);
        foreach (var directory in Options.OwnedDirectories)
        {
            TryDelete(directory);
        }
    }

    private async Task WaitUntilItAnswersAsync()
    {
        // Each probe may take long on a loaded machine (the first request compiles a lot); the ceiling bounds them all.
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await Eventually.HoldsAsync($"the console to answer {BaseAddress}health/live", async () =>
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The console exited with {_process.ExitCode} before it answered:\n{Output}");
                }
                try
                {
                    using var response = await probe.GetAsync("health/live", Eventually.Cancellation());
                    return (response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.StatusCode}");
                }
                catch (HttpRequestException ex)
                {
                    return (false, ex.Message);
                }
                catch (TaskCanceledException) when (!Eventually.Cancellation().IsCancellationRequested)
                {
                    return (false, "no answer within 30 s");
                }
            }, Options.Ceiling);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\n{Output}", ex);
        }
    }

    private void OnLine(string? line, bool fromStdout)
    {
        if (line is null)
        {
            return;
        }
        if (_log is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
        else
        {
            Append(_output, line);
        }
        if (fromStdout && SetupLinkPattern().Match(line) is { Success: true } match)
        {
            _setupLink.TrySetResult(match.Value);
        }
    }

    [GeneratedRegex(@"https?://\S+/setup\?token=\S+")]
    private static partial Regex SetupLinkPattern();
}

/// <summary>What a command run to its end left: its exit code and its two output streams.</summary>
public sealed record ConsoleCommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
