using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecurityConsole.Testing;

/// <summary>How a <see cref="ConsoleProcess"/> is launched: its command line, environment and folders.</summary>
public sealed partial class ConsoleProcess
{
    /// <summary>script(1) of util-linux (Debian's bsdutils), for <see cref="ConsoleProcessOptions.InTerminal"/>.</summary>
    public const string Script = "/usr/bin/script";

    private static ProcessStartInfo StartInfo(ConsoleProcessOptions options, string workingDirectory)
    {
        if (!File.Exists(options.ServerDll))
        {
            throw new InvalidOperationException($"The console is not built at {options.ServerDll}.");
        }
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(options.ServerDll);
        foreach (var arg in options.Args)
        {
            start.ArgumentList.Add(arg);
        }
        if (options.PrintSetupLink)
        {
            // Output redirected to a test is not a terminal: the console prints its setup link there only when asked to.
            start.ArgumentList.Add("--Console:PrintSetupLink=Always");
        }
        if (options.InTerminal)
        {
            InTerminal(start);
        }
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        start.Environment["DOTNET_NOLOGO"] = "1";
        // The test host may run with these itself (tests/short-lived-runtime.runsettings, ADR 0181): a console gets them
        // only from its Runtime, so that an empty one means the runtime's defaults, as the benchmarks measure.
        foreach (var name in ConsoleProcessOptions.ShortLivedRuntime.Keys)
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in options.Runtime)
        {
            start.Environment[name] = value;
        }
        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        return start;
    }

    /// <summary>
    /// Runs the command under script(1), which gives it a pseudo-terminal: its standard output is then a terminal, as in
    /// <c>dotnet run</c> by an operator, while the test still reads what it prints.
    /// </summary>
    private static void InTerminal(ProcessStartInfo start)
    {
        if (!File.Exists(Script))
        {
            throw new InvalidOperationException($"{Script} not found: apt-get install bsdutils");
        }
        var command = string.Join(' ', new[] { start.FileName }.Concat(start.ArgumentList).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        start.FileName = Script;
        // Kept open (never written): script(1) ends the session when its standard input ends.
        start.RedirectStandardInput = true;
        start.ArgumentList.Clear();
        foreach (var arg in (string[])["-qfec", command, "/dev/null"])
        {
            start.ArgumentList.Add(arg);
        }
    }

    private static string WorkingDirectoryOf(ConsoleProcessOptions options)
    {
        if (options.InScratchDirectory)
        {
            return Directory.CreateTempSubdirectory("console-run-").FullName;
        }
        return options.WorkingDirectory ?? Path.GetDirectoryName(Path.GetFullPath(options.ServerDll))!;
    }

    private static void DeleteScratch(ConsoleProcessOptions options, string workingDirectory)
    {
        if (options.InScratchDirectory)
        {
            TryDelete(workingDirectory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process is left for the OS to clean; the folder is in /tmp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The dotnet that runs this process when it is one (the SDK's host under dotnet test), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : System.Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : "dotnet";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    private static string Text(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }
}
