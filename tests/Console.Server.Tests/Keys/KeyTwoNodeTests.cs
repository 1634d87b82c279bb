using System.Diagnostics;
using System.Net;
using SecurityConsole.Server.Common;
using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>Two console nodes on one PostgreSQL database and one Redis, as behind a load balancer.</summary>
public sealed class KeyTwoNodeTests(PostgresServer postgres, RedisServer redis, ITestOutputHelper output)
{
    [Fact]
    public async Task ARevocationOnOneNodeStopsTheKeyOnAnotherThatHadItCached()
    {
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var first = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        await using var second = new ConsoleFactory(DatabaseProvider.Postgres, database, redis.ConnectionString);
        var (owner, key) = await first.IssuedKeyAsync();
        var verifierOnSecond = await second.VerifierAsync();
        // The second node reads the key once and answers from memory afterwards (for minutes, without invalidation).
        Assert.True((await verifierOnSecond.VerifyAsync(key.Secret)).Valid);
        Assert.True((await verifierOnSecond.VerifyAsync(key.Secret)).Valid);

        var revoke = await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/revoke", new RevokeKeyRequest("Rotated out by hand"), Ct);
        await revoke.AssertStatusAsync(HttpStatusCode.OK);
        // The revocation reaches the other node through Redis; how fast is reported (and benchmarked), never asserted on
        // the clock of a machine that may be loaded.
        var clock = Stopwatch.StartNew();
        var answer = await Eventually.ReadAsync("the other node to answer 'revoked'", () => verifierOnSecond.VerifyAsync(key.Secret),
            a => !a.Valid, a => a.Reason ?? "valid", TimeSpan.FromSeconds(30));
        output.WriteLine($"The second node answered 'revoked' {clock.Elapsed.TotalMilliseconds:F0} ms after the revocation's response.");
        Assert.Equal(KeyVerifyReasons.Revoked, answer.Reason);
    }
}
