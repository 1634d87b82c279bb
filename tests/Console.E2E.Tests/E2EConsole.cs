using System.Reflection;
using System.Runtime.CompilerServices;
using SecurityConsole.Testing;

namespace SecurityConsole.E2E.Tests;

/// <summary>
/// How the browser tests start the real Console.Server with the shared launcher: from its build output, on a free port of
/// "localhost" (passkeys, WebAuthn, refuse an IP address as a domain), in Development (which serves the static web assets,
/// the Blazor client, MudBlazor and apexcharts, from the build output), with a fresh SQLite database in a temporary folder,
/// as an operator starts it on first run.
/// </summary>
internal static class E2EConsole
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>
    /// This build's Console.Server.dll (built by the project reference, not copied here); with CONSOLE_E2E_PUBLISHED=&lt;folder&gt;,
    /// the one in that folder of <c>dotnet publish -c Release</c> output: the trimmed, compressed client that production
    /// serves, with the assemblies the first load leaves out (ADR 0140), walked by the same tests.
    /// </summary>
    public static string ServerDll => Environment.GetEnvironmentVariable("CONSOLE_E2E_PUBLISHED") is { Length: > 0 } published
        ? Path.Combine(Path.GetFullPath(published), "Console.Server.dll")
        : Metadata("ServerAssembly");

    /// <summary>Starts the console and waits until it answers; <paramref name="extraArgs"/> are added to its command line (such as <c>--demo</c>).</summary>
    public static Task<ConsoleProcess> StartAsync(params string[] extraArgs)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("console-e2e-").FullName;
        return ConsoleProcess.StartAsync(new()
        {
            // Built by this project's reference to it; not copied here, so named by the project file.
            ServerDll = E2EConsole.ServerDll,
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

    private static string Metadata(string key) =>
        typeof(E2EConsole).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
