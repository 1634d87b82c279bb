using System.Diagnostics;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The npm tools of tools/openapi (the Redocly linter, the TypeScript client generator), installed once per run with
/// <c>npm ci</c> from the committed package-lock.json. Without node the tests that need it skip, and fail under
/// CONSOLE_TESTS_REQUIRE_ALL=1 (CI).
/// </summary>
public static class NodeTools
{
    public static string Folder { get; } = Path.Combine(RepositoryFiles.Root, "tools", "openapi");

    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static bool _installed;

    /// <summary>Makes sure node and the locked packages are there; skips (or fails in CI) without node.</summary>
    public static async Task EnsureInstalledAsync(CancellationToken ct)
    {
        if (!OnPath("node") || !OnPath("npm"))
        {
            TestEnvironment.SkipOrFail("node and npm are not installed: the OpenAPI lint and the TypeScript client need them");
        }
        await Installing.WaitAsync(ct);
        try
        {
            if (!_installed && !File.Exists(Path.Combine(Folder, "node_modules", ".package-lock.json")))
            {
                var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], Folder, ct);
                Assert.True(install.ExitCode == 0, $"npm ci in tools/openapi failed:\n{install}");
            }
            _installed = true;
        }
        finally
        {
            Installing.Release();
        }
    }

    /// <summary>A program of tools/openapi/node_modules/.bin.</summary>
    public static string Bin(string name) => Path.Combine(Folder, "node_modules", ".bin", name);

    public static async Task<ToolRun> RunAsync(string program, IEnumerable<string> arguments, string directory, CancellationToken ct,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Tools print colours and an end-of-life banner to a terminal; neither belongs in an assertion message.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Eventually.ProcessCeiling);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {Eventually.ProcessCeiling}.");
        }
        return new ToolRun(process.ExitCode, await stdout, await stderr);
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}

/// <summary>What a tool answered: its exit code, standard output and standard error.</summary>
public sealed record ToolRun(int ExitCode, string Output, string Errors)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Errors}";
}
