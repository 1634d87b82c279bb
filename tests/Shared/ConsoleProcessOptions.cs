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
    /// Gives a started console its port the way the official .NET container images do, ASPNETCORE_HTTP_PORTS (it then
    /// listens on every interface), instead of <c>--urls</c> on the command line.
    /// </summary>
    public bool PortFromEnvironment { get; init; }

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

    /// <summary>How long it may take to answer once started, to print its setup link, to finish a command or to stop.</summary>
    public TimeSpan Ceiling { get; init; } = Eventually.ProcessCeiling;
}
