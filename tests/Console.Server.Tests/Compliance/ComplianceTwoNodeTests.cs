using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>
/// Two nodes on one fresh PostgreSQL database evaluate compliance at the same moment, as when they start together: each
/// inserts the first state of every check and control, and the one whose insert comes second must not fail.
/// </summary>
public sealed class ComplianceTwoNodeTests(PostgresServer postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoNodesRecordingTheFirstStatesAtOnceBothSucceedAndEachControlHasOneState()
    {
        var database = await postgres.CreateDatabaseAsync();
        await using var first = new ConsoleFactory(DatabaseProvider.Postgres, database);
        await using var second = new ConsoleFactory(DatabaseProvider.Postgres, database);
        // Both started at once, as two nodes of a fresh deployment.
        await Task.WhenAll(Task.Run(() => first.Services), Task.Run(() => second.Services));
        var checks = first.Services.GetRequiredService<CheckRegistry>().All;
        var controls = first.Services.GetRequiredService<ComplianceCatalogue>().Controls.Count;

        // The start-up race may or may not have happened: make it happen, a few times, with no state stored yet.
        for (var round = 1; round <= 3; round++)
        {
            await ForgetStatesAsync(first);
            var evaluations = new[] { first, second }.Select(node => Task.Run(() =>
                ComplianceRunner.EvaluateAsync(node.Services.GetRequiredService<IServiceScopeFactory>(), checks, Ct))).ToArray();
            // Before the fix the second insert failed the evaluation with a duplicate key (23505).
            var changes = await Task.WhenAll(evaluations);
            output.WriteLine($"Round {round}: the nodes recorded {changes[0].Count} and {changes[1].Count} status changes.");
            await using var scope = first.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            Assert.Equal(checks.Count, await db.ComplianceCheckStates.CountAsync(Ct));
            Assert.Equal(controls, await db.ComplianceControlStates.CountAsync(Ct));
        }
        var duplicates = first.Logs.Lines.Concat(second.Logs.Lines).Where(l => l.Contains("23505")).ToList();
        foreach (var line in duplicates)
        {
            output.WriteLine($"Duplicate key logged: {line[..Math.Min(line.Length, 600)]}");
        }
        Assert.DoesNotContain(duplicates, l => l.Contains("compliance_", StringComparison.Ordinal));
        Assert.DoesNotContain(first.Logs.Lines.Concat(second.Logs.Lines), l => l.Contains("Compliance evaluation of", StringComparison.Ordinal));
    }

    private static async Task ForgetStatesAsync(ConsoleFactory node)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        await db.ComplianceControlStates.ExecuteDeleteAsync(Ct);
        await db.ComplianceCheckStates.ExecuteDeleteAsync(Ct);
    }
}
