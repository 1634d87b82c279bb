using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// The real console as operators run it: the Release build of Console.Server started as its own process from its
/// output folder (its appsettings.json, Production), on a PostgreSQL database, listening on a loopback port.
/// Its operator commands (<c>admin create-user</c>, <c>admin create-token</c>) make the users and keys, as in bench/wrk/verify.sh.
/// </summary>
internal sealed partial class ConsoleProcess : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly Process _process;

    private ConsoleProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary>Console.Server/bin/Release/net10.0 of this repository (CONSOLE_SERVER_DIR overrides); bench/detection/run.sh builds it.</summary>
    public static string ServerDirectory()
    {
        if (Environment.GetEnvironmentVariable("CONSOLE_SERVER_DIR") is { Length: > 0 } dir)
        {
            return dir;
        }
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "SecurityConsole.sln")))
            {
                var server = Path.Combine(d.FullName, "Console.Server", "bin", "Release", "net10.0");
                return File.Exists(Path.Combine(server, "Console.Server.dll"))
                    ? server
                    : throw new InvalidOperationException($"No Release build in {server}: dotnet build -c Release Console.Server");
            }
        }
        throw new InvalidOperationException("Repository root not found; set CONSOLE_SERVER_DIR");
    }

    /// <summary>Runs an operator command against the database; returns its standard output.</summary>
    public static async Task<string> CommandAsync(string connection, string? stdin, params string[] args)
    {
        using var process = Process.Start(Psi(connection, args))!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin);
        }
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Console.Server {string.Join(' ', args)} exited with {process.ExitCode}:\n{await output}{await errors}");
        }
        return await output;
    }

    public static Task CreateUserAsync(string connection, string email, string role) =>
        CommandAsync(connection, Password, "admin", "create-user", "--email", email, "--role", role, "--password-stdin");

    /// <summary>A new API key of the user; its secret.</summary>
    public static async Task<string> CreateTokenAsync(string connection, string email, string scopes, string? service = null)
    {
        string[] args = ["admin", "create-token", "--email", email, "--scopes", scopes, "--name", scopes.Replace(':', '-').Replace(',', '-')];
        var output = await CommandAsync(connection, null, service is null ? args : [.. args, "--service", service]);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last(l => l.StartsWith("sc_", StringComparison.Ordinal));
    }

    public static async Task<ConsoleProcess> StartAsync(string connection, string logFile, params string[] extraArgs)
    {
        var port = FreePort();
        // CONSOLE_BENCH_SERVER_ARGS: extra settings for an experiment, e.g. "--Detection:BaselineFlushSeconds=3600".
        var experiment = Environment.GetEnvironmentVariable("CONSOLE_BENCH_SERVER_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var psi = Psi(connection, [.. extraArgs, .. experiment, "--urls", $"http://127.0.0.1:{port}"]);
        psi.RedirectStandardInput = false;
        var log = new StreamWriter(logFile) { AutoFlush = true };
        var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ConsoleProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var probe = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"The console exited with {server._process.ExitCode}; see {logFile}");
            }
            try
            {
                if ((await probe.GetAsync("health/live")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"The console did not answer within 120 s; see {logFile}");
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Resident set now and its high-water mark (VmRSS, VmHWM of /proc/pid/status), in MB.</summary>
    public (double RssMb, double HwmMb) Memory()
    {
        double rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kb(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kb(line) / 1024.0;
            }
        }
        return (rss, hwm);

        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Signs in through the form, as a browser does; the client then carries the sign-in cookie and the console's request header.</summary>
    public async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string email)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var html = await client.GetStringAsync("Account/Login");
        var token = WebUtility.HtmlDecode(AntiforgeryInput().Match(html) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException("No antiforgery token on the sign-in page"));
        using var response = await client.PostAsync("Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("Login", StringComparison.OrdinalIgnoreCase) == true)
        {
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
        client.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        return (client, cookies);
    }

    /// <summary>A hub connection as the browser opens it: WebSockets, the sign-in cookie and the console's request header.</summary>
    public HubConnection Hub(string cookieHeader) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(BaseAddress, HubRoutes.Alerts.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = false;
                o.Headers["Cookie"] = cookieHeader;
                o.Headers[ApiConventions.CsrfHeader] = ApiConventions.CsrfHeaderValue;
            })
            .Build();

    public HttpClient KeyClient(string secret, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM: the console shuts down as under an orchestrator (the writer drains its queue).
            Process.Start("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static ProcessStartInfo Psi(string connection, string[] args)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ServerDirectory(),
        };
        psi.ArgumentList.Add(Path.Combine(ServerDirectory(), "Console.Server.dll"));
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["Database__Provider"] = "Postgres";
        psi.Environment["ConnectionStrings__Console"] = connection;
        psi.Environment.Remove("DOTNET_ENVIRONMENT");
        psi.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        return psi;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
