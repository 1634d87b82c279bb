using System.Text.RegularExpressions;

namespace SecurityConsole.Server.Tests.Users;

/// <summary>
/// The one-time setup link is a credential: it is printed to a terminal (the README's first run), never into output
/// that a log collector takes; there, the console says how to get one (<c>admin setup-link</c>).
/// </summary>
public sealed partial class SetupLinkTests
{
    private static string[] FreshDatabase() =>
        ["--Database:Provider=Sqlite", $"--ConnectionStrings:Console=Data Source={DatabaseTemplates.MigratedSqliteFile("console-setup")}"];

    [Fact]
    public async Task AConsoleWhoseOutputIsNotATerminalPrintsNoLinkButSaysHowToGetOne()
    {
        await using var server = await ConsoleProcess.StartAsync(new() { Args = FreshDatabase() });
        var output = await WaitForOutputAsync(server, "admin setup-link");
        Assert.DoesNotMatch(LinkPattern(), output);
        Assert.DoesNotContain("token=", output);
    }

    [Fact]
    public async Task TheSetupLinkCommandPrintsAFreshLinkThatOpensTheFirstRunPage()
    {
        var database = FreshDatabase();
        var command = await RunAsync(["admin", "setup-link", "--Console:PublicUrl=https://console.example.test", .. database]);
        Assert.True(command.ExitCode == 0, command.ToString());
        var link = Assert.Single(command.Stdout.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^https://console\.example\.test/setup\?token=[A-Za-z0-9_-]{43}$", link);
        Assert.DoesNotContain("token=", command.Stderr);

        // The console started afterwards (output not a terminal) leaves that link valid.
        await using var server = await ConsoleProcess.StartAsync(new() { Args = database });
        using var browser = new HttpClient { BaseAddress = server.BaseAddress };
        var page = await browser.GetStringAsync(new Uri(link).PathAndQuery.TrimStart('/'), Ct);
        Assert.Contains("Create the first admin", page);

        // A second command replaces the first link.
        var again = await RunAsync(["admin", "setup-link", "--Console:PublicUrl=https://console.example.test", .. database]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("This setup link is not valid", await browser.GetStringAsync(new Uri(link).PathAndQuery.TrimStart('/'), Ct));
    }

    [Fact]
    public async Task TheSetupLinkCommandRefusesOnceTheConsoleHasAnAdmin()
    {
        var database = FreshDatabase();
        var admin = await RunAsync(
            ["admin", "create-user", "--email", "ops@example.test", "--role", "Admin", "--password-stdin", .. database],
            stdin: ConsoleClients.Password + "\n");
        Assert.True(admin.ExitCode == 0, admin.ToString());

        var command = await RunAsync(["admin", "setup-link", .. database]);
        Assert.True(command.ExitCode == 1, command.ToString());
        Assert.Contains("already has an admin", command.Stderr);
        Assert.Equal("", command.Stdout.Trim());
    }

    [Fact]
    public async Task WithPrintSetupLinkAlwaysTheLinkIsPrintedEvenWhenOutputIsNotATerminal()
    {
        // The opt-in for tests and CI that read the link from the output (the browser tests do).
        await using var server = await ConsoleProcess.StartAsync(new() { Args = [.. FreshDatabase(), "--Console:PrintSetupLink=Always"] });
        var output = await WaitForOutputAsync(server, "/setup?token=");
        var link = LinkPattern().Match(output).Value;
        using var browser = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Contains("Create the first admin", await browser.GetStringAsync(new Uri(link).PathAndQuery.TrimStart('/'), Ct));
    }

    [Fact]
    public async Task ABadPrintSetupLinkValueStopsTheStartNamingTheSetting()
    {
        var result = await RunAsync([.. FreshDatabase(), "--Console:PrintSetupLink=sometimes"]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Setting 'Console:PrintSetupLink' must be 'Terminal' or 'Always', but it is 'sometimes'.", result.Stderr);
    }

    [Fact]
    public async Task AConsoleStartedInATerminalPrintsTheLinkThere()
    {
        // The README's first run: `dotnet run` in a terminal. script(1) gives the console a pseudo-terminal.
        if (!File.Exists(ConsoleProcess.Script))
        {
            TestEnvironment.SkipOrFail("script(1) not found: apt-get install bsdutils");
        }
        await using var server = await ConsoleProcess.StartAsync(new() { Args = FreshDatabase(), InTerminal = true });
        var text = await WaitForOutputAsync(server, "/setup?token=");
        Assert.Matches($@"http://127\.0\.0\.1:{server.BaseAddress.Port}/setup\?token=[A-Za-z0-9_-]{{43}}", text);
    }

    /// <summary>An operator command in a scratch folder: no appsettings.json, only the settings given.</summary>
    private static Task<ConsoleCommandResult> RunAsync(string[] args, string? stdin = null) =>
        ConsoleProcess.RunAsync(new() { Args = args, InScratchDirectory = true }, stdin);

    private static async Task<string> WaitForOutputAsync(ConsoleProcess server, string expected)
    {
        await Eventually.HoldsAsync($"the console to print '{expected}'", () => (server.Output.Contains(expected, StringComparison.Ordinal), "\n" + server.Output));
        return server.Output;
    }

    [GeneratedRegex(@"https?://\S+/setup\?token=\S+")]
    private static partial Regex LinkPattern();
}
