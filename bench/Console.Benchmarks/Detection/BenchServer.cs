using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Testing;

namespace SecurityConsole.Benchmarks.Detection;

/// <summary>
/// The real console as operators run it, started with the launcher the tests share (tests/Shared/ConsoleProcess.cs): the
/// Release build of Console.Server from its output folder (its appsettings.json, Production), on a PostgreSQL database,
/// stopped with SIGTERM so that it drains its queues. Its operator commands (<c>admin create-user</c>,
/// <c>admin create-token</c>) make the users and keys, as in bench/wrk/verify.sh.
/// </summary>
internal static partial class BenchServer
{
    public const string Password = "correct horse battery staple";

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

    /// <summary>The console on <paramref name="connection"/>: the Release build, Production, PostgreSQL.</summary>
    public static ConsoleProcessOptions Options(string connection) => new()
    {
        ServerDll = Path.Combine(ServerDirectory(), "Console.Server.dll"),
        Environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Console"] = connection,
        },
        StopGracefully = true,
    };

    /// <summary>Runs an operator command against the database; returns its standard output.</summary>
    public static async Task<string> CommandAsync(string connection, string? stdin, params string[] args)
    {
        var result = await ConsoleProcess.RunAsync(Options(connection) with { Args = args }, stdin is null ? null : stdin + "\n");
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"Console.Server {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Output}");
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

    /// <summary>Starts the console, its output in <paramref name="logFile"/>, and returns once it answers.</summary>
    public static Task<ConsoleProcess> StartAsync(string connection, string logFile, params string[] extraArgs)
    {
        // CONSOLE_BENCH_SERVER_ARGS: extra settings for an experiment, e.g. "--Detection:BaselineFlushSeconds=3600".
        var experiment = Environment.GetEnvironmentVariable("CONSOLE_BENCH_SERVER_ARGS")?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return ConsoleProcess.StartAsync(Options(connection) with { Args = [.. extraArgs, .. experiment], LogFile = logFile });
    }

    /// <summary>Resident set now and its high-water mark (VmRSS, VmHWM of /proc/pid/status), in MB.</summary>
    public static (double RssMb, double HwmMb) Memory(this ConsoleProcess server)
    {
        double rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{server.Pid}/status"))
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
    public static async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(this ConsoleProcess server, string email)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
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
    public static HubConnection Hub(this ConsoleProcess server, string cookieHeader) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, HubRoutes.Alerts.TrimStart('/')), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = false;
                o.Headers["Cookie"] = cookieHeader;
                o.Headers[ApiConventions.CsrfHeader] = ApiConventions.CsrfHeaderValue;
            })
            .Build();

    public static HttpClient KeyClient(this ConsoleProcess server, string secret, int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = server.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();
}
