using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Detection;

namespace SecurityConsole.Server.Tests.Detection;

/// <summary>What the rules learned is saved in full, many entities per statement, on both providers.</summary>
public abstract class BaselineStorageTests(SharedConsole console)
{
    [Fact]
    public async Task TheLearnedStateOfHundredsOfEntitiesIsSavedInFullAndASecondSaveKeepsTheNewerState()
    {
        var store = console.Factory.Services.GetRequiredService<BaselineStore>();
        var run = Guid.NewGuid().ToString("N")[..8];
        // More than one statement's worth of rows; a parameters hash no rule has, so that no running rule loads these.
        var people = Enumerable.Range(0, 450).Select(i => $"person-{run}-{i}@example.test").ToList();
        LearnedState Learned(string person, int seen) => new("user-unusual-hours", $"test-{run}", "user", person, $$"""{"seen":{{seen}}}""");

        await store.SaveAsync([.. people.Select(p => Learned(p, 1))], Ct);
        await store.SaveAsync([.. people.Take(300).Select(p => Learned(p, 2))], Ct);

        await using var scope = console.Factory.Services.CreateAsyncScope();
        var saved = await scope.ServiceProvider.GetRequiredService<ConsoleDbContext>().EntityBaselines.AsNoTracking()
            .Where(b => b.ParametersHash == $"test-{run}").ToDictionaryAsync(b => b.EntityId, b => b.State, Ct);
        Assert.Equal(people.Order(), saved.Keys.Order());
        Assert.All(people.Take(300), p => Assert.Equal("""{"seen":2}""", saved[p]));
        Assert.All(people.Skip(300), p => Assert.Equal("""{"seen":1}""", saved[p]));
    }
}

public sealed class SqliteBaselineStorageTests(FastSqliteConsole console) : BaselineStorageTests(console), IClassFixture<FastSqliteConsole>;

public sealed class PostgresBaselineStorageTests(FastPostgresConsole console) : BaselineStorageTests(console), IClassFixture<FastPostgresConsole>;
