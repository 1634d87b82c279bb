namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>A wrong setting stops the start with one sentence naming it, and exit code 2, never a stack trace.</summary>
public sealed class ConfigurationValidationTests
{
    [Fact]
    public async Task AnUnknownDatabaseProviderStopsTheStartWithOneLineNamingTheSetting()
    {
        var result = await ServerProcess.RunAsync(["--Database:Provider=Oracle"]);
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
        var result = await ServerProcess.RunAsync(
            ["--Database:Provider=Postgres", $"--ConnectionStrings:Console=Host=127.0.0.1;Port={closedPort};Database=console;Username=console;Timeout=5"],
            timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'ConnectionStrings:Console'", result.Stderr);
        AssertNoStackTrace(result);
    }

    [Fact]
    public async Task PostgresWithoutAConnectionStringStopsTheStartNamingTheSetting()
    {
        var result = await ServerProcess.RunAsync(["--Database:Provider=Postgres", "--ConnectionStrings:Console="]);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("'ConnectionStrings:Console'", result.Stderr);
        AssertNoStackTrace(result);
    }

    internal static void AssertNoStackTrace(ServerProcess.Result result)
    {
        Assert.DoesNotContain(result.Output.Split('\n'), l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain("Exception:", result.Output);
    }
}
