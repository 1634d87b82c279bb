using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace SecurityConsole.Testing;

/// <summary>
/// The publish the browser tests and the server's published-output tests run on (ADR 0180): <c>dotnet publish
/// Console.Server --no-build</c> of this build, in this configuration, done once per build and kept in the temp folder
/// under an identity of the build's output, so a machine publishes a build at most once, whichever test project asks
/// first; the others wait on the lock and find it complete (two publishes of one build at once would share the client's
/// obj folder). Linked into the test projects; depends on no test framework. Its client is the one production serves: trimmed,
/// compressed, without the debugger (<c>debugLevel: 0</c>), about a third of the Debug build's 216 assemblies; a browser
/// starts it for a fraction of the CPU the Debug build's client costs (bench/RESULTS.md, "E2E tests: CPU per class").
/// </summary>
public static class PublishedBuild
{
    /// <summary>How long a publish may take on a loaded machine before it is given up (it is one for the whole run).</summary>
    private static readonly TimeSpan Ceiling = TimeSpan.FromMinutes(20);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<string>>> Published = new(StringComparer.Ordinal);

    /// <summary>
    /// The folder holding the publish of <paramref name="buildServerDll"/> (Console.Server's build output in
    /// <paramref name="configuration"/>); the first caller publishes, the others wait for it.
    /// </summary>
    public static Task<string> FolderAsync(string repositoryRoot, string buildServerDll, string configuration, CancellationToken cancellationToken) =>
        Published.GetOrAdd(Path.GetFullPath(buildServerDll), dll => new Lazy<Task<string>>(() => PublishAsync(repositoryRoot, dll, configuration)))
            .Value.WaitAsync(cancellationToken);

    private static async Task<string> PublishAsync(string repositoryRoot, string buildDll, string configuration)
    {
        var build = BuildIdentity(buildDll);
        var root = Path.Combine(Path.GetTempPath(), "console-published");
        var folder = Path.Combine(root, build);
        var complete = Path.Combine(folder, ".complete");
        Directory.CreateDirectory(root);
        // One publish at a time on this machine (two runs of these tests on the same build): the lock is the file's, held
        // while publishing and released by the OS if this process dies.
        using var held = await LockAsync(Path.Combine(root, ".lock"));
        if (File.Exists(complete))
        {
            return folder;
        }
        TryDelete(folder);
        // Earlier builds' publishes (50 MB each), once they are a day old: a run on another build may still be using one.
        foreach (var old in Directory.GetDirectories(root).Where(d => d != folder && Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddDays(-1)))
        {
            TryDelete(old);
        }

        var project = Path.Combine(repositoryRoot, "Console.Server", "Console.Server.csproj");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repositoryRoot,
        };
        // --no-build: the build the tests were built with is published, not rebuilt; no MSBuild node outlives it.
        foreach (var arg in (string[])["publish", project, "-c", configuration, "--no-build", "-o", folder, "-nologo", "-nodeReuse:false"])
        {
            start.ArgumentList.Add(arg);
        }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Ceiling);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish of {project} took more than {Ceiling.TotalMinutes:F0} min:\n{await stdout}\n{await stderr}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish of {project} failed with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        }
        if (!File.Exists(Path.Combine(folder, "Console.Server.dll")))
        {
            throw new InvalidOperationException($"dotnet publish of {project} left no Console.Server.dll in {folder}:\n{await stdout}");
        }
        await File.WriteAllTextAsync(complete, $"{build} {configuration} published in {watch.Elapsed.TotalSeconds:F0} s\n");
        return folder;
    }

    /// <summary>
    /// What identifies the build: every file of the server's build output by name, size and time of writing. A change of the
    /// client alone (its code, a stylesheet) leaves Console.Server.dll as it was, but not the static web assets manifest
    /// beside it (which holds every asset's fingerprint) nor the client's assembly copied there.
    /// </summary>
    private static string BuildIdentity(string serverDll)
    {
        var output = Path.GetDirectoryName(serverDll)!;
        var files = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f))
            .Select(f => $"{Path.GetRelativePath(output, f.FullName)}|{f.Length}|{f.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', files))))[..32];
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another run publishes: its publish is likely this build's too, found complete once the lock is free.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
