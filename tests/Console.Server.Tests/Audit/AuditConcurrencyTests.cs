using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <summary>
/// Several appenders on several nodes at once still make one gap-free chain (PostgreSQL, where nodes share the database),
/// whose times never go back although each save stamps its time before it waits for the chain lock.
/// </summary>
public sealed class AuditConcurrencyTests(PostgresServer postgres)
{
    [Fact]
    public async Task ConcurrentWritersOnTwoNodesMakeOneGapFreeChainInTimeOrderThatVerifies()
    {
        var connectionString = await postgres.CreateMigratedDatabaseAsync();
        await using var node1 = new ConsoleFactory(DatabaseProvider.Postgres, connectionString);
        _ = node1.Services; // the first node prepares (roles, the trail's keys) before the second starts
        await using var node2 = new ConsoleFactory(DatabaseProvider.Postgres, connectionString);
        _ = node2.Services;

        const int writers = 8, saves = 50;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var node = w % 2 == 0 ? node1 : node2;
            for (var i = 0; i < saves; i++)
            {
                // Each save has its own DbContext; a few subjects recur, so subject keys are created under contention too.
                await using var scope = node.Services.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System($"writer-{w}"));
                scope.ServiceProvider.GetRequiredService<AuditTrail>().Record(new AuditEvent(AuditCategories.Security, "concurrency.write",
                    "writer", w.ToString(), Data: new { i, email = $"person{i % 3}@example.test" }));
                await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().SaveChangesAsync(Ct);
            }
        }, Ct)));

        var written = await node1.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "concurrency.write").Select(e => e.Sequence).ToListAsync(Ct));
        Assert.Equal(writers * saves, written.Distinct().Count());
        var subjectKeys = await node1.WithDbAsync(db => db.AuditSubjectKeys.CountAsync(Ct));
        Assert.Equal(3, subjectKeys);

        var result = await (await node2.SignedInClientAsync(Roles.Auditor)).VerifyAsync();
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(result.HeadSequence, result.Checked);
        Assert.True(result.HeadSequence >= writers * saves);
        await node1.AssertTimeNeverGoesBackAsync();
    }

    [Fact]
    public async Task ConcurrentWritersOnSqliteWaitForEachOtherAndMakeOneChain()
    {
        await using var factory = ConsoleFactory.Sqlite(extra: NoJobServer);
        _ = factory.Services; // start the host once, before the writers race for it
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await factory.RecordAsync(Actor.System($"writer-{w}"),
                    (new AuditEvent(AuditCategories.Security, "concurrency.write", "writer", w.ToString(), Data: new { i, email = $"p{i % 3}@example.test" }), null));
            }
        }, Ct)));

        var result = await (await factory.SignedInClientAsync(Roles.Auditor)).VerifyAsync();
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(100, await factory.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "concurrency.write", Ct)));
        await factory.AssertTimeNeverGoesBackAsync();
    }
}
