using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Cryptography.KeyDerivation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Users;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>The operator's commands, run as processes against a real database, then checked through a console on it.</summary>
public abstract class CommandLineTests
{
    protected abstract Task<(DatabaseProvider Provider, string ConnectionString)> NewDatabaseAsync();

    /// <summary>An operator command in a scratch folder: no appsettings.json, only the settings given.</summary>
    internal static Task<ConsoleCommandResult> RunAsync(string[] args, string? stdin = null) =>
        ConsoleProcess.RunAsync(new() { Args = args, InScratchDirectory = true }, stdin);

    [Fact]
    public async Task MigrateCreatesUserThenCreateTokenPrintAKeyThatAuthenticatesAgainstTheConsole()
    {
        var (provider, connection) = await NewDatabaseAsync();
        string[] database = [$"--Database:Provider={provider}", $"--ConnectionStrings:Console={connection}"];
        var email = $"ops-{Guid.NewGuid():N}@example.test";

        var migrate = await RunAsync(["migrate", .. database]);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        var createUser = await RunAsync(
            ["admin", "create-user", "--email", email, "--role", "Admin", "--password-stdin", .. database],
            stdin: ConsoleClients.Password + "\n");
        Assert.True(createUser.ExitCode == 0, createUser.ToString());
        Assert.DoesNotContain(ConsoleClients.Password, createUser.Output);

        var createToken = await RunAsync(["admin", "create-token", "--email", email, "--scopes", "users:manage", .. database]);
        Assert.True(createToken.ExitCode == 0, createToken.ToString());
        var secret = Assert.Single(createToken.Stdout.Split('\n', StringSplitOptions.TrimEntries), l => KeyFormat.IsWellFormed(l));
        Assert.DoesNotContain(secret, createToken.Stderr);

        await using var factory = new ConsoleFactory(provider, connection);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var me = await client.GetFromJsonAsync<CurrentUser>("/api/v1/me", Ct);
        Assert.Equal(email, me!.Email);
        Assert.Equal(["users:manage"], me.Permissions);
        var users = await client.GetFromJsonAsync<List<UserSummary>>("/api/v1/users", Ct);
        Assert.Equal(["Admin"], users!.Single(u => u.Email == email).Roles);
        // The command hashed the password with the product's work factor (Identity's V3 format: PBKDF2 with HMAC-SHA512,
        // 100,000 rounds), not the in-process test consoles' lower one (ConsoleFactory.TestPasswordHashRounds).
        var hash = Convert.FromBase64String((await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.PasswordHash).SingleAsync(Ct)))!);
        Assert.Equal(0x01, hash[0]);
        Assert.Equal((int)KeyDerivationPrf.HMACSHA512, BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(1)));
        Assert.Equal(100_000, BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(5)));

        // The person can sign in with the password given on standard input.
        var browser = factory.CreateBrowserClient();
        var signIn = await browser.SignInAsync(email, ConsoleClients.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("Login", signIn.Headers.Location!.ToString());
    }
}

public sealed class SqliteCommandLineTests : CommandLineTests
{
    protected override Task<(DatabaseProvider, string)> NewDatabaseAsync() =>
        Task.FromResult((DatabaseProvider.Sqlite, $"Data Source={Path.Combine(TestEnvironment.TempDirectory("console-cli-db"), "console.db")}"));

    // Argument checks do not depend on the provider: checked once, on the embedded database.
    [Fact]
    public async Task CreateUserRefusesAPasswordThatDoesNotComeFromStandardInput()
    {
        // On a migrated database (the run's template): migrating an empty one is the test above's.
        var result = await RunAsync(
            ["admin", "create-user", "--email", "ops@example.test", "--role", "Admin",
             $"--Database:Provider={DatabaseProvider.Sqlite}", $"--ConnectionStrings:Console=Data Source={DatabaseTemplates.MigratedSqliteFile("console-cli-db")}"]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--password-stdin", result.Stderr);
        ConfigurationValidationTests.AssertNoStackTrace(result);
    }
}

public sealed class PostgresCommandLineTests(PostgresServer postgres) : CommandLineTests
{
    protected override async Task<(DatabaseProvider, string)> NewDatabaseAsync() =>
        (DatabaseProvider.Postgres, await postgres.CreateDatabaseAsync());

    /// <summary>
    /// A command run with other settings than the nodes' (here without their <c>Jobs:Schedules</c>, as from an operator's
    /// shell or the chart's migration job) leaves the recurring jobs as the nodes registered them: the schedules and the
    /// next run of each, as the jobs dashboard shows them (ADR 0145). Before, every command registered the jobs with its
    /// own settings, so the nodes' schedules were replaced until a node started again, and the occurrences due meanwhile
    /// never ran on their own (the rolling-restart test's lost 04:17 runs). PostgreSQL only: there the jobs are the
    /// cluster's, in the database; on SQLite each console keeps its own in memory.
    /// </summary>
    [Fact]
    public async Task ACommandLeavesTheRecurringJobsAsTheNodesRegisteredThem()
    {
        var connection = await postgres.CreateMigratedDatabaseAsync();
        await using var node = new ConsoleFactory(DatabaseProvider.Postgres, connection, extra: new Dictionary<string, string?>
        {
            ["Jobs:Schedules:audit-checkpoint"] = "* * * * *",
            ["Jobs:Schedules:compliance-sweep"] = "*/2 * * * *",
            // No scheduler on this node, so that nothing but a new registration can move a job's next run.
            ["Jobs:RunServer"] = "false",
        });
        node.CreateClient().Dispose();
        var registered = RecurringJobs(node);
        Assert.StartsWith("* * * * * next ", registered["audit-checkpoint"]);
        Assert.StartsWith("*/2 * * * * next ", registered["compliance-sweep"]);

        var migrate = await RunAsync(["migrate", "--Database:Provider=Postgres", $"--ConnectionStrings:Console={connection}"]);
        Assert.True(migrate.ExitCode == 0, migrate.ToString());

        Assert.Equal(registered, RecurringJobs(node));
    }

    /// <summary>Each recurring job's schedule and next run, as Hangfire stores them for the cluster.</summary>
    private static SortedDictionary<string, string> RecurringJobs(ConsoleFactory node)
    {
        using var storage = node.Services.GetRequiredService<JobStorage>().GetConnection();
        return new(storage.GetRecurringJobs()
            .ToDictionary(j => j.Id, j => $"{j.Cron} next {j.NextExecution:O}", StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
