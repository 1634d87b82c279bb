using System.Data.Common;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

public abstract class KeyVerifyTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AValidKeyAnswersItsOwnerScopesExpiryAndRemainingRateLimit()
    {
        var (_, key) = await Factory.IssuedKeyAsync(NewRequest(rateLimit: 5));
        var verifier = await Factory.VerifierAsync();
        var result = await verifier.VerifyAsync(key.Secret, Permissions.KeysVerify);
        Assert.True(result.Valid);
        Assert.Null(result.Reason);
        Assert.Equal(key.Id, result.KeyId);
        Assert.NotNull(result.OwnerUserId);
        Assert.Equal([Permissions.KeysVerify], result.Scopes);
        Assert.Equal(key.ExpiresAt, result.ExpiresAt);
        Assert.Equal(5, result.RateLimitPerMinute);
        Assert.Equal(4, result.RateLimitRemaining);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("sc_live_short")]
    [InlineData("sc_prod_0000000000000000000000000000000000000000000000000")]
    public async Task AMalformedKeyAnswersMalformed(string key)
    {
        var verifier = await Factory.VerifierAsync();
        var result = await verifier.VerifyAsync(key);
        Assert.False(result.Valid);
        Assert.Equal(KeyVerifyReasons.Malformed, result.Reason);
        Assert.Null(result.KeyId);
    }

    [Fact]
    public async Task AMistypedKeyAnswersMalformedAndAnUnknownOneNotFound()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        var typo = key.Secret[..10] + (key.Secret[10] == 'a' ? 'b' : 'a') + key.Secret[11..];
        Assert.Equal(KeyVerifyReasons.Malformed, (await verifier.VerifyAsync(typo)).Reason);
        var unknown = KeyFormat.Generate(KeyEnvironments.Production);
        Assert.Equal(KeyVerifyReasons.NotFound, (await verifier.VerifyAsync(unknown)).Reason);
        Assert.Equal(KeyVerifyReasons.NotFound, (await verifier.VerifyAsync(unknown)).Reason); // negative cache
    }

    [Fact]
    public async Task AKeyWithoutTheRequiredScopeAnswersInsufficientScope()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        var result = await verifier.VerifyAsync(key.Secret, Permissions.EventsWrite);
        Assert.Equal(KeyVerifyReasons.InsufficientScope, result.Reason);
        Assert.Equal(key.Id, result.KeyId);
    }

    [Fact]
    public async Task AnAllowListAdmitsAddressesInsideItsBlocksOnly()
    {
        var (_, key) = await Factory.IssuedKeyAsync(NewRequest(ips: ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]));
        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret, ip: "10.20.30.40")).Valid);
        Assert.True((await verifier.VerifyAsync(key.Secret, ip: "2001:db8::1")).Valid);
        Assert.True((await verifier.VerifyAsync(key.Secret, ip: "192.0.2.7")).Valid);
        Assert.Equal(KeyVerifyReasons.IpNotAllowed, (await verifier.VerifyAsync(key.Secret, ip: "192.0.2.8")).Reason);
        Assert.Equal(KeyVerifyReasons.IpNotAllowed, (await verifier.VerifyAsync(key.Secret)).Reason);
        var bad = await verifier.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(key.Secret, null, "10.0.0.300"), Ct);
        Assert.NotEmpty((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("clientIp"));
    }

    [Fact]
    public async Task AKeyOverItsRateLimitAnswersRateLimited()
    {
        var (_, key) = await Factory.IssuedKeyAsync(NewRequest(rateLimit: 3));
        var verifier = await Factory.VerifierAsync();
        for (var i = 2; i >= 0; i--)
        {
            var ok = await verifier.VerifyAsync(key.Secret);
            Assert.True(ok.Valid);
            Assert.Equal(i, ok.RateLimitRemaining);
        }
        var limited = await verifier.VerifyAsync(key.Secret);
        Assert.False(limited.Valid);
        Assert.Equal(KeyVerifyReasons.RateLimited, limited.Reason);
        Assert.Equal(0, limited.RateLimitRemaining);
    }

    [Fact]
    public async Task VerifyNeedsTheKeysVerifyScope()
    {
        var (client, _) = await Factory.KeyClientAsync(Permissions.EventsWrite);
        var response = await client.PostAsJsonAsync("/api/v1/keys/verify", new KeyVerifyRequest(KeyFormat.Generate("production"), null, null), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AMalformedKeyIsAnsweredWithoutTouchingTheDatabase()
    {
        var commands = new CommandCounter();
        await using var factory = await console.CreateFreshAsync();
        // The context is registered as its provider's subclass; its options are the ones to extend.
        factory.ServiceOverrides = factory.Provider == DatabaseProvider.Sqlite
            ? services => services.ConfigureDbContext<SqliteConsoleDbContext>((_, o) => o.AddInterceptors(commands))
            : services => services.ConfigureDbContext<PostgresConsoleDbContext>((_, o) => o.AddInterceptors(commands));
        var verifier = await factory.VerifierAsync();
        Assert.Equal(KeyVerifyReasons.NotFound, (await verifier.VerifyAsync(KeyFormat.Generate("staging"))).Reason);
        Assert.True(commands.Count > 0, "The counter sees the database: the caller's key and the unknown key were looked up.");

        var before = commands.Count;
        var result = await verifier.VerifyAsync("sc_live_" + new string('A', 49));
        Assert.Equal(KeyVerifyReasons.Malformed, result.Reason);
        Assert.Equal(before, commands.Count);
    }

    [Fact]
    public async Task ARotatedKeyKeepsWorkingUntilItsGraceEndsThenStops()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var factory = await console.CreateFreshAsync();
        factory.ServiceOverrides = services => services.AddSingleton<TimeProvider>(clock);
        var (owner, key) = await factory.IssuedKeyAsync();
        var verifier = await factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);

        await (await owner.PostAsJsonAsync($"/api/v1/keys/{key.Id}/rotate", new RotateKeyRequest(24), Ct)).AssertStatusAsync(HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromHours(23.9));
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        clock.Advance(TimeSpan.FromHours(0.2));
        var after = await verifier.VerifyAsync(key.Secret);
        Assert.False(after.Valid);
        Assert.Equal(KeyVerifyReasons.Expired, after.Reason);
        // A day later the owner's sign-in has lapsed; someone who may read every key signs in afresh.
        var reader = await factory.SignedInClientAsync(Roles.Auditor);
        var list = (await reader.GetFromJsonAsync<KeyPage>("/api/v1/keys?pageSize=100", Ct))!.Items;
        Assert.Equal(KeyStatuses.Expired, list.Single(k => k.Id == key.Id).Status);
    }

    [Fact]
    public async Task UseIsRecordedInBatchesAsLastUseAndCountsPerMinute()
    {
        var (owner, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await verifier.VerifyAsync(key.Secret, ip: "203.0.113.9")).Valid);
        }
        Assert.Equal(KeyVerifyReasons.InsufficientScope, (await verifier.VerifyAsync(key.Secret, Permissions.AuditRead)).Reason);
        await Factory.Services.GetRequiredService<KeyUsageRecorder>().FlushAsync(Ct);

        var summary = await owner.GetFromJsonAsync<ApiKeySummary>($"/api/v1/keys/{key.Id}", Ct);
        Assert.NotNull(summary!.LastUsedAt);
        Assert.Equal("203.0.113.9", summary.LastUsedIp);
        var usage = await owner.GetFromJsonAsync<List<KeyUsagePoint>>($"/api/v1/keys/{key.Id}/usage", Ct);
        Assert.Equal(3, usage!.Sum(u => u.Count)); // a denied verification is not a use
        var stranger = await Factory.SignedInClientAsync(Roles.Developer);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/keys/{key.Id}/usage", Ct)).StatusCode);
    }

    [Fact]
    public async Task UseNotYetWrittenIsWrittenWhenTheConsoleStopsCleanly()
    {
        var (_, key) = await Factory.IssuedKeyAsync();
        var verifier = await Factory.VerifierAsync();
        var flusher = Factory.Services.GetRequiredService<KeyUsageFlusher>();
        await Factory.Services.GetRequiredService<KeyUsageRecorder>().FlushAsync(Ct);
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);

        await flusher.StopAsync(Ct);
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        Assert.Equal(2, await db.ApiKeyUsage.Where(u => u.KeyId == key.Id).SumAsync(u => u.Count, Ct));
    }

    /// <summary>
    /// Counts key look-ups (reads of api_keys). Background work (usage flushes, security events and their
    /// detection, which a refused key causes) reaches the database at any moment and is not the verify path.
    /// </summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            CountLookUp(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            CountLookUp(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        // A key is looked up by its hash. The console's jobs read api_keys too (a compliance evaluation reads every key),
        // and run beside the test: they are not lookups of a presented key.
        private static readonly System.Text.RegularExpressions.Regex ByHash = new(@"\.""?hash""?\s*=\s*@", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

        private void CountLookUp(DbCommand command)
        {
            if (command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && command.CommandText.Contains("api_keys", StringComparison.Ordinal)
                && ByHash.IsMatch(command.CommandText))
            {
                Interlocked.Increment(ref _count);
            }
        }
    }
}

public sealed class SqliteKeyVerifyTests(SqliteConsole console) : KeyVerifyTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresKeyVerifyTests(PostgresConsole console) : KeyVerifyTests(console), IClassFixture<PostgresConsole>;
