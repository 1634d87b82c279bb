namespace SecurityConsole.Testing;

/// <summary>How a <see cref="ConsoleProcess"/> is started: which build, where, with which settings, and how it stops.</summary>
public sealed record ConsoleProcessOptions
{
    /// <summary>The Console.Server.dll to run: by default this build's, copied next to the test assembly by its project reference.</summary>
    public string ServerDll { get; init; } = Path.Combine(AppContext.BaseDirectory, "Console.Server.dll");

    /// <summary>
    /// The process's working directory, which is the console's content root (its appsettings*.json are read from there).
    /// By default the folder of <see cref="ServerDll"/>.
    /// </summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Runs in an empty temporary folder instead, removed afterwards: no appsettings.json, so only the settings given
    /// count (the configuration tests rely on it), and nothing the console writes there outlives it.
    /// </summary>
    public bool InScratchDirectory { get; init; }

    /// <summary>Its command line after the dll: settings (<c>--Name=value</c>), <c>--demo</c>, or a command such as <c>migrate</c>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>
    /// Environment variables set on top of the inherited ones (a null value removes one). ASPNETCORE_ENVIRONMENT,
    /// DOTNET_ENVIRONMENT and OTEL_EXPORTER_OTLP_ENDPOINT are removed from the inherited ones first, so the machine's
    /// settings do not leak in: the console runs as Production unless this says otherwise.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Gives a started console its address through this standard hosting variable instead of <c>--urls</c> on the
    /// command line: <c>ASPNETCORE_HTTP_PORTS</c>, a port, as the official .NET container images do (it then listens on
    /// every interface), or <c>ASPNETCORE_URLS</c>, the address.
    /// </summary>
    public string? AddressVariable { get; init; }

    /// <summary>The loopback name a started console listens on: 127.0.0.1, or localhost where WebAuthn refuses an IP address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// Asks the console to print its one-time setup link although its output is not a terminal (the setting
    /// <c>Console:PrintSetupLink=Always</c>), for <see cref="ConsoleProcess.SetupLinkAsync"/>.
    /// </summary>
    public bool PrintSetupLink { get; init; }

    /// <summary>
    /// Runs it under script(1), whose pseudo-terminal makes its standard output a terminal, as when an operator runs it by
    /// hand (the README's first run); the output still reaches <see cref="ConsoleProcess.Output"/>, with terminal line ends.
    /// </summary>
    public bool InTerminal { get; init; }

    /// <summary>A file that receives the console's output (the benchmarks keep it); by default it is kept in memory.</summary>
    public string? LogFile { get; init; }

    /// <summary>Folders the console owns (its SQLite database), deleted after it stops.</summary>
    public IReadOnlyList<string> OwnedDirectories { get; init; } = [];

    /// <summary>
    /// How disposing stops it: false kills it at once (tests: nothing to wait for); true sends SIGTERM and waits, as an
    /// orchestrator stops it, so that it drains its queues (the benchmarks).
    /// </summary>
    public bool StopGracefully { get; init; }

    /// <summary>
    /// Runtime settings (environment variables) for a console that lives seconds to a few minutes, as a test's does, set
    /// before <see cref="Environment"/> (which can override or remove any of them). Empty unless a project asks for them by
    /// setting <see cref="ShortLivedRuntimeDefault"/> (the server tests do, in a module initializer; ADR 0175): the
    /// benchmarks measure the console as it runs in production, with the runtime's defaults.
    /// </summary>
    public IReadOnlyDictionary<string, string> Runtime { get; init; } = ShortLivedRuntimeDefault;

    /// <summary>What <see cref="Runtime"/> is unless a test says otherwise; see <see cref="ShortLivedRuntime"/>.</summary>
    public static IReadOnlyDictionary<string, string> ShortLivedRuntimeDefault { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// The runtime settings for a short-lived console (ADR 0175). A console's start is mostly the runtime's own work (a CPU
    /// sample of one: 34 % in the JIT, 30 % in the runtime, 17 % in the kernel, 8 % in managed code), and two of the
    /// runtime's defaults add to it without giving a throwaway test console anything back:
    /// <list type="bullet">
    /// <item><c>DOTNET_EnableWriteXorExecute=0</c>: no W^X double mapping of the code it generates (every JIT'd method and
    /// stub is written through one mapping and run through another, with the mapping changes in the kernel). A hardening
    /// against code injection, which a console serving a test on loopback for seconds does not need; production keeps it.</item>
    /// <item><c>DOTNET_TieredPGO=0</c>: no instrumented stage between quick JIT and optimised code, a second JIT of every
    /// hot method whose profile a process that ends within minutes never pays back.</item>
    /// <item><c>DOTNET_TC_CallCounting=0</c>: methods stay as first compiled (quick JIT, or the framework's ReadyToRun
    /// code), with no counting of calls and no second, optimising JIT of the hot ones in the background: that thread was a
    /// quarter of a browser test console's CPU (ADR 0190). Loops still move to optimised code while they run (OSR).</item>
    /// </list>
    /// Nothing the console does or answers depends on them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ShortLivedRuntime = new Dictionary<string, string>
    {
        ["DOTNET_EnableWriteXorExecute"] = "0",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_TC_CallCounting"] = "0",
    };

    /// <summary>How long it may take to answer once started, to print its setup link, to finish a command or to stop.</summary>
    public TimeSpan Ceiling { get; init; } = Eventually.ProcessCeiling;
}
