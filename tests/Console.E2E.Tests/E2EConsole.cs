using System.Reflection;
using System.Runtime.CompilerServices;
using SecurityConsole.Testing;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// How the browser tests start the real Console.Server with the shared launcher: from the run's publish of this build or
/// from its build output (ADR 0180), on a free port of "localhost" (passkeys, WebAuthn, refuse an IP address as a domain),
/// in Development, with a fresh SQLite database in a temporary folder, as an operator starts it on first run.
/// </summary>
internal static class E2EConsole
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>This build's Console.Server.dll (built by the project reference, not copied here).</summary>
    public static string BuildServerDll => Metadata("ServerAssembly");

    private static string Configuration =>
        typeof(E2EConsole).Assembly.GetCustomAttribute<System.Reflection.AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>
    /// The Console.Server.dll a test starts (ADR 0180). By default the run's publish of this build (<see cref="PublishedBuild"/>):
    /// the trimmed, compressed client that production serves, with the assemblies the first load leaves out (ADR 0140);
    /// with <paramref name="client"/> <see cref="E2EClient.Build"/>, the build output itself, whose client is untrimmed (the
    /// one <c>dotnet run</c> serves). CONSOLE_E2E_PUBLISHED=&lt;folder&gt; starts that folder's for every test;
    /// CONSOLE_E2E_PUBLISHED=build starts the build output for every test (no publish), as before ADR 0180.
    /// </summary>
    public static async Task<string> ServerDllAsync(E2EClient client = E2EClient.Published)
    {
        var chosen = Environment.GetEnvironmentVariable("CONSOLE_E2E_PUBLISHED");
        if (chosen == "build" || (client == E2EClient.Build && string.IsNullOrEmpty(chosen)))
        {
            return BuildServerDll;
        }
        var folder = string.IsNullOrEmpty(chosen) ? await PublishedBuild.FolderAsync(RepositoryRoot, BuildServerDll, Configuration, TestContext.Current.CancellationToken) : Path.GetFullPath(chosen);
        return Path.Combine(folder, "Console.Server.dll");
    }

    /// <summary>Whether <paramref name="server"/> runs a publish (a trimmed client) rather than the build output.</summary>
    public static bool RunsAPublish(ConsoleProcess server) =>
        !string.Equals(Path.GetFullPath(server.Options.ServerDll), Path.GetFullPath(BuildServerDll), StringComparison.Ordinal);

    /// <summary>Starts the console and waits until it answers; <paramref name="extraArgs"/> are added to its command line (such as <c>--demo</c>).</summary>
    public static Task<ConsoleProcess> StartAsync(params string[] extraArgs) => StartAsync(E2EClient.Published, extraArgs);

    /// <inheritdoc cref="StartAsync(string[])"/>
    public static async Task<ConsoleProcess> StartAsync(E2EClient client, params string[] extraArgs)
    {
        var serverDll = await ServerDllAsync(client);
        var dataDirectory = Directory.CreateTempSubdirectory("console-e2e-").FullName;
        return await ConsoleProcess.StartAsync(new()
        {
            ServerDll = serverDll,
            Host = "localhost",
            Args = extraArgs,
            // Its output is not a terminal: the first admin's setup link is printed there only when asked for.
            PrintSetupLink = true,
            // In the environment, so that the operator's commands run by the tests (RunAsync) use the same database.
            Environment = new Dictionary<string, string?>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__Console"] = $"Data Source={Path.Combine(dataDirectory, "console.db")}",
                // As the server tests' consoles (ConsoleFactory): the suite shares its machine with itself, and a PDF printed
                // at the product's lowest CPU priority (ADR 0100) waits for an idle core there, which a busy CI machine
                // seldom has. The low-priority launcher has its own test (ChromiumLowPriorityTests).
                ["Reports__ChromiumNice"] = "0",
                ["Reports__WorkNice"] = "0",
            },
            OwnedDirectories = [dataDirectory],
        });
    }

    /// <summary>The shared waits (tests/Shared, which knows no test framework) stop with the current test.</summary>
    [ModuleInitializer]
    internal static void StopSharedWaitsWithTheTest() => Eventually.Cancellation = () => TestContext.Current.CancellationToken;

    /// <summary>
    /// The consoles these tests start live minutes: the short-lived runtime settings of the server tests' consoles
    /// (ADR 0175, ADR 0181). What a browser sees does not depend on them; the benchmarks keep the runtime's defaults.
    /// </summary>
    [ModuleInitializer]
    internal static void StartConsolesForAShortLife() => ConsoleProcessOptions.ShortLivedRuntimeDefault = ConsoleProcessOptions.ShortLivedRuntime;

    private static string Metadata(string key) =>
        typeof(E2EConsole).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>Which client a test's console serves (ADR 0180).</summary>
internal enum E2EClient
{
    /// <summary>The run's publish of this build: the trimmed client production serves.</summary>
    Published,

    /// <summary>The build output: the untrimmed client <c>dotnet run</c> serves, which needs what a trimmed one does not.</summary>
    Build,
}
