using System.Diagnostics;
using System.Reflection;

namespace SecurityConsole.Server.Tests.Infrastructure;

/// <summary>
/// The server as an operator deploys it: <c>dotnet publish</c> of this build, done once per test run and kept between
/// runs (in the temp folder, under the build's module version id) while the server build is unchanged, since
/// publishing takes minutes on a busy machine.
/// </summary>
public static class PublishedServer
{
    private static readonly Lazy<Task<string>> Published = new(PublishAsync);

    /// <summary>The folder holding the published Console.Server.dll and its wwwroot.</summary>
    public static Task<string> FolderAsync() => Published.Value;

    private static async Task<string> PublishAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "console-published");
        var build = typeof(Program).Assembly.ManifestModule.ModuleVersionId.ToString("N");
        var folder = Path.Combine(root, build);
        var complete = Path.Combine(folder, ".complete");
        if (File.Exists(complete))
        {
            return folder;
        }
        foreach (var old in Directory.Exists(root) ? Directory.GetDirectories(root) : [])
        {
            TryDelete(old);
        }
        // The server this test run references is already built in this configuration: publish it without building again.
        var configuration = typeof(PublishedServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryFiles.Root,
        };
        foreach (var arg in (string[])["publish", Path.Combine("Console.Server", "Console.Server.csproj"), "-c", configuration, "--no-build", "-o", folder, "-nologo"])
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Cancelled with the run, not by a clock: a loaded machine may take several minutes.
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
        await File.WriteAllTextAsync(complete, build);
        return folder;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
