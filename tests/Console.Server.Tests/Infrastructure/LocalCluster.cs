using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The compose topology on this machine, started by deploy/local/cluster.sh: PostgreSQL, Redis, two nodes of this build
/// and nginx with deploy/nginx/console.conf in front. Its settings (console.env) let a test run the console's commands
/// against the same database. Missing nginx, PostgreSQL or Redis: each test skips, or fails under CONSOLE_TESTS_REQUIRE_ALL=1.
/// One cluster for the test run, shared by the test classes of <see cref="LocalClusterCollection"/> one after another:
/// starting one takes minutes of a loaded machine. Its nodes run the recurring jobs that the rolling-restart test counts
/// every minute (<see cref="EveryMinute"/>).
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    /// <summary>
    /// The recurring jobs whose schedule the nodes replace with every minute (<c>Jobs:Schedules</c>, ADR 0111; their own
    /// are every one, five, ten and thirty minutes), so that every minute is an occurrence of each: RollingRestartTests
    /// counts their runs per minute across its restarts without waiting for a mark where all of them fall due. The daily
    /// jobs (retention, link cleanup, rotation policy) keep their own schedules.
    /// </summary>
    public static readonly IReadOnlyList<string> EveryMinute = ["report-schedules", "audit-checkpoint", "compliance-sweep", "audit-chain-verification"];

    /// <summary>Nodes take minutes to start on a loaded two-core machine (migrations, compliance, detection warm-up).</summary>
    private static readonly TimeSpan StartCeiling = TimeSpan.FromMinutes(15);

    private static readonly string Script = Path.Combine(RepositoryFiles.Root, "deploy", "local", "cluster.sh");
    private readonly StringBuilder _output = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"console-cluster-{Guid.NewGuid():N}");
    private Process? _process;
    private string? _unavailable;

    /// <summary>nginx, the address everyone uses.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Each node, straight (not through nginx).</summary>
    public IReadOnlyList<Uri> Nodes { get; private set; } = [];

    /// <summary>The nodes' settings, as environment variables (console.env).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>Skips (or fails under CI) when the cluster could not be started for want of a program.</summary>
    public void Require()
    {
        if (_unavailable is not null)
        {
            TestEnvironment.SkipOrFail(_unavailable);
        }
    }

    public async ValueTask InitializeAsync()
    {
        _unavailable = Missing();
        if (_unavailable is not null)
        {
            return;
        }
        var start = new ProcessStartInfo("bash", [Script, "start", "--nodes", "2", "--dll", Path.Combine(AppContext.BaseDirectory, "Console.Server.dll"), "--dir", _dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // cluster.sh starts its nodes with its own environment plus console.env's: these reach every node, restarted ones too.
        foreach (var job in EveryMinute)
        {
            start.Environment[$"Jobs__Schedules__{job}"] = "* * * * *";
        }
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            Append(e.Data);
            if (e.Data?.StartsWith("CLUSTER_READY ", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult(e.Data["CLUSTER_READY ".Length..]);
            }
        };
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = await Eventually.ArrivesAsync("deploy/local/cluster.sh to print CLUSTER_READY", Task.WhenAny(ready.Task, exited), StartCeiling, Output);
        if (first != ready.Task)
        {
            throw new InvalidOperationException($"deploy/local/cluster.sh exited with {_process.ExitCode} before the cluster was ready:\n{Output()}\n{NodeLogs()}");
        }
        Url = new Uri(await ready.Task);
        var env = File.ReadAllLines(Path.Combine(_dir, "console.env"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => (string?)p[1].Trim('\''));
        Nodes = [.. env.Where(p => p.Key.StartsWith("CLUSTER_NODE_", StringComparison.Ordinal)).OrderBy(p => p.Key).Select(p => new Uri(p.Value!))];
        Settings = env.Where(p => !p.Key.StartsWith("CLUSTER_", StringComparison.Ordinal)).ToDictionary();
    }

    /// <summary>A console command (<c>admin create-token …</c>) against the cluster's database; fails the test unless it succeeds.</summary>
    public async Task<string> RunAsync(string[] args, string? stdin = null)
    {
        var result = await ConsoleProcess.RunAsync(new ConsoleProcessOptions { Args = args, Environment = Settings }, stdin);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }

    /// <summary>
    /// One step of a rolling restart, as deploy/local/cluster.sh does it: SIGTERM to node <paramref name="index"/> (0-based),
    /// wait for its drain and exit, start it again on the same port, and wait until it is ready.
    /// </summary>
    public async Task RestartNodeAsync(int index)
    {
        var number = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var restart = new ProcessStartInfo("bash", [Script, "restart", "--node", number, "--dir", _dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(restart)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Eventually.ArrivesAsync($"node {number} to be restarted", process.WaitForExitAsync(), StartCeiling, Output);
        var answer = (await stdout).Trim();
        Assert.True(process.ExitCode == 0, $"cluster.sh restart --node {number} exited with {process.ExitCode}: {answer} {await stderr}\n{NodeLogs()}");
    }

    /// <summary>
    /// An HTTP client whose connections come from <paramref name="source"/>, another loopback address (127.0.0.0/8 is all
    /// loopback on Linux): so the client's address differs from nginx's (127.0.0.1), the only proxy the nodes know.
    /// </summary>
    public static HttpClient ClientFrom(string source, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = baseAddress };

    public const string AdminEmail = "admin@cluster.test";
    private readonly SemaphoreSlim _operatorLock = new(1, 1);
    private string? _operatorKey;

    /// <summary>An admin made on the command line, and a key of theirs that verifies keys, reports leaks and reads the audit trail.</summary>
    public async Task<string> OperatorKeyAsync()
    {
        await _operatorLock.WaitAsync();
        try
        {
            if (_operatorKey is null)
            {
                await RunAsync(["admin", "create-user", "--email", AdminEmail, "--role", Roles.Admin, "--password-stdin"], $"Cluster-{Guid.NewGuid():N}\n");
                _operatorKey = await RunAsync(["admin", "create-token", "--email", AdminEmail, "--scopes",
                    $"{Permissions.KeysVerify},{Permissions.AuditRead}", "--service", "cluster-operator"]);
            }
            return _operatorKey;
        }
        finally
        {
            _operatorLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                // As an operator stops it: the script's trap stops the nodes (SIGTERM), nginx, Redis and PostgreSQL.
                using var stop = Process.Start(new ProcessStartInfo("bash", [Script, "stop", "--dir", _dir]) { UseShellExecute = false })!;
                await stop.WaitForExitAsync();
                if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            process.Dispose();
        }
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string? Missing()
    {
        if (!new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.Any(File.Exists))
        {
            return "nginx not found: apt-get install nginx";
        }
        if (!new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.Any(File.Exists))
        {
            return "redis-server not found: apt-get install redis-server";
        }
        return ThrowawayPostgres.FindBinDirectory() is null ? "PostgreSQL not found under /usr/lib/postgresql: apt-get install postgresql" : null;
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

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    /// <summary>The last lines of each node's log, to say why something failed.</summary>
    public string NodeLogs() => string.Join('\n', Directory.Exists(_dir)
        ? Directory.GetFiles(_dir, "node*.log").Select(f => $"--- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(30))}")
        : []);
}

/// <summary>
/// The test classes that use the local cluster: they share one (<see cref="LocalCluster"/>), one class after another, so
/// the rolling restart never runs under another class's requests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "Local cluster";
}
