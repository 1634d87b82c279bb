using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Events;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Keys;

/// <summary>The verifier in process, with a database that cannot be reached.</summary>
public sealed class KeyVerifierTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ServiceProvider _services;
    private readonly KeyCache _cache;
    private readonly ApiKeyVerifier _verifier;

    public KeyVerifierTests()
    {
        var services = new ServiceCollection();
        // The database is down: asking for a context fails as opening its connection would.
        services.AddScoped<ConsoleDbContext>(_ => throw new InvalidOperationException("The database is down."));
        _services = services.BuildServiceProvider();
        _cache = new KeyCache(_clock);
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        _verifier = new ApiKeyVerifier(scopes, _cache, new KeyRateLimiter(_clock), new KeyUsageRecorder(scopes, _clock, NullLogger<KeyUsageRecorder>.Instance),
            _clock, NullLogger<ApiKeyVerifier>.Instance,
            new ConsoleSecurityEvents(new RecordingSink(), new HttpContextAccessor(), _clock, NullLogger<ConsoleSecurityEvents>.Instance));
    }

    [Fact]
    public async Task WithTheDatabaseDownACachedKeyKeepsVerifyingAndAnUnknownKeyIsDeniedAsUnavailable()
    {
        var secret = KeyFormat.Generate(KeyEnvironments.Production);
        _cache.Set(KeyHash.From(KeyFormat.Hash(secret)), Record(), _cache.Generation);

        Assert.True((await _verifier.VerifyAsync(secret, new VerifyOptions(), Ct)).Valid);
        _clock.Advance(KeyCache.PositiveLifetime + TimeSpan.FromMinutes(1));
        Assert.True((await _verifier.VerifyAsync(secret, new VerifyOptions(), Ct)).Valid);

        // The database could not say whether it exists: denied, but not as "not found" (which would feed brute-force rules).
        var unknown = await _verifier.VerifyAsync(KeyFormat.Generate(KeyEnvironments.Production), new VerifyOptions(), Ct);
        Assert.False(unknown.Valid);
        Assert.Equal("unavailable", unknown.Reason);
        Assert.True(unknown.RetryAfterSeconds > 0);
        Assert.Equal(KeyVerifyReasons.Malformed, (await _verifier.VerifyAsync("sc_live_nope", new VerifyOptions(), Ct)).Reason);
    }

    [Fact]
    public async Task AnInvalidatedKeyIsNotServedFromTheCache()
    {
        var secret = KeyFormat.Generate(KeyEnvironments.Staging);
        var hash = KeyFormat.Hash(secret);
        _cache.Set(KeyHash.From(hash), Record(), _cache.Generation);
        await new LocalKeyInvalidation(_cache).InvalidateAsync(hash, Ct);
        // The database cannot answer, so the key is refused now rather than still valid.
        Assert.Equal("unavailable", (await _verifier.VerifyAsync(secret, new VerifyOptions(), Ct)).Reason);
    }

    [Fact]
    public async Task AKeyTheDatabaseCouldNotLookUpRaisesNoSecurityEventForTheDetectionRules()
    {
        var sink = new RecordingSink();
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        var verifier = new ApiKeyVerifier(scopes, _cache, new KeyRateLimiter(_clock), new KeyUsageRecorder(scopes, _clock, NullLogger<KeyUsageRecorder>.Instance),
            _clock, NullLogger<ApiKeyVerifier>.Instance,
            new ConsoleSecurityEvents(sink, new HttpContextAccessor(), _clock, NullLogger<ConsoleSecurityEvents>.Instance));

        for (var i = 0; i < 20; i++)
        {
            var answer = await verifier.VerifyAsync(KeyFormat.Generate(KeyEnvironments.Production), new VerifyOptions(ClientIp: IPAddress.Parse("198.18.0.7")), Ct);
            Assert.False(answer.Valid);
        }
        Assert.Empty(sink.Emitted);
        // A malformed key is still a refusal the rules see.
        await verifier.VerifyAsync("sc_live_nope", new VerifyOptions(ClientIp: IPAddress.Parse("198.18.0.7")), Ct);
        Assert.Single(sink.Emitted);
    }

    private sealed class RecordingSink : ISecurityEventSink
    {
        public List<SecurityEvent> Emitted { get; } = [];

        public void Emit(SecurityEvent e) => Emitted.Add(e);

        public Task<long[]> WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken ct) => throw new InvalidOperationException("Not expected here.");
    }

    [Fact]
    public void ALookUpThatRacedAnInvalidationIsNotCached()
    {
        var hash = KeyHash.From(KeyFormat.Hash(KeyFormat.Generate(KeyEnvironments.Staging)));
        var before = _cache.Generation;
        _cache.Invalidate(hash);           // a revoke commits while the look-up is reading the old row
        _cache.Set(hash, Record(), before); // the look-up then tries to cache what it read
        Assert.False(_cache.TryGet(hash, out _, out _));
    }

    [Fact]
    public void UnknownHashesAreRememberedUpToACapAndMakeRoomOnceTheyExpire()
    {
        var generation = _cache.Generation;
        for (var i = 0; i < KeyCache.MaxNegativeEntries; i++)
        {
            _cache.Set(new KeyHash((ulong)i, 1, 2, 3), null, generation);
        }
        var late = new KeyHash(ulong.MaxValue, 1, 2, 3);
        _cache.Set(late, null, generation);
        Assert.False(_cache.TryGet(late, out _, out _));

        _clock.Advance(KeyCache.NegativeLifetime + TimeSpan.FromSeconds(1));
        _cache.Set(late, null, generation);
        Assert.True(_cache.TryGet(late, out var record, out var stale));
        Assert.Null(record);
        Assert.False(stale);
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public void AnAllowListThatCannotBeReadAdmitsNobody()
    {
        var key = new ApiKey
        {
            Name = "k", Hash = new byte[32], Prefix = "sc_live_abcd", LastFour = "wxyz", Environment = KeyEnvironments.Production,
            OwnerUserId = "owner", Scopes = "keys:verify", IpAllowList = "10.0.0.1/8 not-an-address",
        };
        var record = KeyRecord.From(key);
        Assert.True(record.RestrictsIp);
        Assert.Empty(record.AllowedNetworks);
    }

    [Fact]
    public void WhileInvalidationsMayBeMissedACachedKeyIsTrustedForASecondOnly()
    {
        var cache = new KeyCache(_clock);
        var hash = new KeyHash(1, 2, 3, 4);
        cache.Set(hash, Record(), cache.Generation);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(cache.TryGet(hash, out _, out var stale) && !stale);

        // Redis lost: another node's revocation could go unheard, so the entry is re-read.
        cache.Untrusted = true;
        Assert.True(cache.TryGet(hash, out _, out stale) && stale);
        cache.Set(hash, Record(), cache.Generation);
        Assert.True(cache.TryGet(hash, out _, out stale) && !stale);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cache.TryGet(hash, out _, out stale) && stale);

        cache.Untrusted = false;
        cache.Clear();
        Assert.False(cache.TryGet(hash, out _, out _));
    }

    [Fact]
    public void ACachedRecordKeepsItsScopesEnvironmentAndNetworks()
    {
        var key = new ApiKey
        {
            Name = "k", Hash = new byte[32], Prefix = "sc_live_abcd", LastFour = "wxyz", Environment = new string(KeyEnvironments.Production),
            OwnerUserId = "owner", Scopes = "keys:verify events:write", IpAllowList = "10.0.0.0/8 2001:db8::/32",
        };
        var record = KeyRecord.From(key);
        Assert.Equal(["keys:verify", "events:write"], record.Scopes);
        Assert.Same(Permissions.KeysVerify, record.Scopes[0]);
        Assert.Same(KeyEnvironments.Production, record.Environment);
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("2001:db8::/32")], record.AllowedNetworks);
        Assert.Empty(KeyRecord.From(new ApiKey
        {
            Name = "k", Hash = new byte[32], Prefix = "sc_live_abcd", LastFour = "wxyz", Environment = "staging", OwnerUserId = "owner", Scopes = "keys:verify",
        }).AllowedNetworks);
    }

    [Fact]
    public void TheTokenBucketRefillsAtTheRatePerMinute()
    {
        var limiter = new KeyRateLimiter(_clock);
        var id = Guid.NewGuid();
        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryTake(id, 60).Allowed);
        }
        Assert.Equal((false, 0, 1), limiter.TryTake(id, 60));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((true, 0, 0), limiter.TryTake(id, 60));
        Assert.False(limiter.TryTake(id, 60).Allowed);
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal((true, 59, 0), limiter.TryTake(id, 60)); // refills to the burst, never beyond
    }

    [Fact]
    public void ARefusalSaysHowLongUntilTheNextToken()
    {
        var limiter = new KeyRateLimiter(_clock);
        var id = Guid.NewGuid();
        Assert.True(limiter.TryTake(id, 2).Allowed);
        Assert.True(limiter.TryTake(id, 2).Allowed);
        // Two per minute: one token every 30 seconds.
        Assert.Equal((false, 0, 30), limiter.TryTake(id, 2));
        _clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal((false, 0, 10), limiter.TryTake(id, 2));
    }

    private KeyRecord Record() => new(
        Guid.NewGuid(), "owner", "sc_live_abcd…wxyz", "svc", KeyEnvironments.Production, ["keys:verify"],
        _clock.GetUtcNow().AddDays(30), null, null, [], false);

    public async ValueTask DisposeAsync() => await _services.DisposeAsync();
}
