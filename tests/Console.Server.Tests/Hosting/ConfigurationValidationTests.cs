namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>A wrong setting stops the start with one sentence naming it, and exit code 2, never a stack trace.</summary>
public sealed class ConfigurationValidationTests
{
    [Fact]
    public async Task AnUnknownDatabaseProviderStopsTheStartWithOneLineNamingTheSetting()
    {
        var result = await StartAsync("--Database:Provider=Oracle");
        Assert.True(result.ExitCode == 2, result.ToString());
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.Contains("'Database:Provider'", line);
        Assert.Contains("Oracle", line);
    }

    [Fact]
    public async Task AnUnreachablePostgresDatabaseStopsTheStartWithASentenceNamingTheConnectionString()
    {
        var closedPort = TestEnvironment.FreePort();
        var result = await StartAsync(
            "--Database:Provider=Postgres", $"--ConnectionStrings:Console=Host=127.0.0.1;Port={closedPort};Database=console;Username=console;Timeout=5");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'ConnectionStrings:Console'", result.Stderr);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task PostgresWithoutAConnectionStringStopsTheStartNamingTheSetting()
    {
        var result = await StartAsync("--Database:Provider=Postgres", "--ConnectionStrings:Console=");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'ConnectionStrings:Console'", result.Stderr);
        AssertNoStackTrace(result);
    }

    /// <summary>One bad value for each group of settings (each options class, the host's own Urls and log levels).</summary>
    [Theory]
    [InlineData("Detection:MaxEventsPerCommit", "abc")]
    [InlineData("Detection:SweepIntervalSeconds", "abc")]
    [InlineData("Detection:WriterCommits", "0")]
    [InlineData("Detection:PipelineEnabled", "sometimes")]
    [InlineData("Jobs:Workers", "abc")]
    [InlineData("Jobs:RunServer", "perhaps")]
    [InlineData("Console:Demo", "maybe")]
    [InlineData("Console:PublicUrl", "console.example.com")]
    [InlineData("Audit:CheckpointEvery", "often")]
    [InlineData("Jobs:Schedules:compliance-sweep", "every ten minutes")]
    [InlineData("Jobs:Schedules:audit-checkpoint", "*/5 * * *")]
    [InlineData("Jobs:Schedules:report-schedules", "0 0 30 2 *")]
    [InlineData("Database:Provider", "1")]
    [InlineData("Urls", "garbage")]
    [InlineData("Urls", "http://localhost:abc")]
    [InlineData("Logging:LogLevel:Default", "abc")]
    public async Task ABadValueStopsTheStartWithOneSentenceNamingTheSettingAndExitCode2(string setting, string value)
    {
        var result = await StartAsync($"--{setting}={value}");
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains($"'{setting}'", line);
        Assert.Contains(value, line);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task AScheduleForAJobTheConsoleDoesNotHaveStopsTheStartNamingTheSettingAndTheJobs()
    {
        var result = await StartAsync("--Jobs:Schedules:nightly-backup=0 1 * * *");
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("'Jobs:Schedules:nightly-backup'", line);
        Assert.Contains("'compliance-sweep'", line);
        AssertNoStackTrace(result);
    }

    /// <summary>A start expected to stop, in a scratch folder: no appsettings.json, only the settings given.</summary>
    private static Task<ConsoleCommandResult> StartAsync(params string[] settings) =>
        ConsoleProcess.RunAsync(new() { Args = settings, InScratchDirectory = true });

    internal static void AssertNoStackTrace(ConsoleCommandResult result)
    {
        Assert.DoesNotContain(result.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception:", result.Output);
    }
}
