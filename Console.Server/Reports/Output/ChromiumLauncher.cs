using System.Globalization;

namespace SecurityConsole.Server.Reports.Output;

/// <summary>
/// The script Chromium for report PDFs is started through on Linux (ADR 0100): in a private temporary directory, it records
/// its process id, lowers the priority of its session's scheduling group where the kernel groups sessions (autogroup), and
/// becomes Chromium through <c>chrt --idle</c> (where util-linux is installed) and <c>nice</c>; <c>exec</c> keeps the id
/// and Playwright's pipes, and every process Chromium starts and every thread inherits the policy and the nice value.
/// </summary>
internal sealed class ChromiumLauncher : IDisposable
{
    private readonly DirectoryInfo _directory;

    private ChromiumLauncher(DirectoryInfo directory, string script)
    {
        _directory = directory;
        Script = script;
    }

    /// <summary>The executable to start instead of Chromium, with Chromium's arguments.</summary>
    public string Script { get; }

    /// <summary>
    /// A launcher for <paramref name="chromium"/> at nice <paramref name="level"/>; null where the priority is not lowered
    /// (not Linux, level 0, no <c>nice</c>: the log says so).
    /// </summary>
    public static ChromiumLauncher? Create(string chromium, int level, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || level == 0)
        {
            return null;
        }
        if (new[] { "/usr/bin/nice", "/bin/nice" }.FirstOrDefault(File.Exists) is not { } nice)
        {
            logger.LogWarning("Chromium for report PDFs runs at normal CPU priority: nice (coreutils) is not installed.");
            return null;
        }
        // Chromium running as root sets its threads' nice values itself (0, or -8 for the ones that draw), undoing nice;
        // the SCHED_IDLE policy (chrt --idle, util-linux) it does not change, and under it nice values do not count.
        var chrt = new[] { "/usr/bin/chrt", "/bin/chrt" }.FirstOrDefault(File.Exists);
        var idle = chrt is null ? "" : $"{chrt} --idle 0 ";
        var directory = Directory.CreateTempSubdirectory("security-console-chromium-");
        var script = Path.Combine(directory.FullName, "chromium");
        var n = level.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(script,
            $"""
            #!/bin/sh
            echo $$ > {Quote(Path.Combine(directory.FullName, "chromium.pid"))}
            if [ -w /proc/self/autogroup ]; then echo {n} > /proc/self/autogroup 2>/dev/null; fi
            exec {idle}{nice} -n {n} {Quote(chromium)} "$@"

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ChromiumLauncher(directory, script);
    }

    /// <summary>The process id the script recorded (Chromium's, after <c>exec</c>); null before it ran.</summary>
    public int? ProcessId()
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(_directory.FullName, "chromium.pid")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary directory left behind; the system's cleaner takes it.
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
