namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// Migrating a fresh PostgreSQL database succeeds without an error in the output: `migrate` printed "Failed executing
/// DbCommand" above "The database is up to date" (issue 14, "migrate on a fresh PostgreSQL database").
/// </summary>
public sealed class MigrationOutputTests(PostgresServer postgres)
{
    [Fact]
    public async Task MigratingAFreshPostgresDatabaseLogsNoFailedCommand()
    {
        await using var factory = await ConsoleFactory.PostgresAsync(postgres, empty: true);

        using var client = factory.CreateClient();   // starts the console: PrepareAsync migrates the empty database
        await (await client.GetAsync("/health/live", Ct)).AssertStatusAsync(System.Net.HttpStatusCode.OK);

        Assert.DoesNotContain("Failed executing DbCommand", factory.Logs.All);
        Assert.DoesNotContain("__EFMigrationsHistory", factory.Logs.All);
    }
}
