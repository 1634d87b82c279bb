using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SecurityConsole.Server.Events;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// <see cref="ApiKeyVerifier.VerifyAsync"/> of a key already in <see cref="KeyCache"/> (10,000 keys cached), as the verify
/// endpoint calls it (a required scope and the client's address), against its two unavoidable parts alone:
/// the format check and the SHA-256. No database is registered: a cache miss would fail loudly.
/// </summary>
[Config(typeof(MicroConfig))]
[MemoryDiagnoser]
public class KeyVerifyBenchmarks
{
    private static readonly VerifyOptions Options = new(RequiredScope: Permissions.EventsWrite, ClientIp: IPAddress.Parse("10.1.2.3"));

    private ServiceProvider _services = null!;
    private ApiKeyVerifier _verifier = null!;
    private KeyUsageRecorder _usage = null!;
    private CancellationTokenSource _stop = null!;
    private Task _drain = null!;
    private string _plain = null!;
    private string _limited = null!;
    private string _restricted = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _services = new ServiceCollection().BuildServiceProvider();
        var clock = TimeProvider.System;
        var scopes = _services.GetRequiredService<IServiceScopeFactory>();
        var cache = new KeyCache(clock);
        _usage = new KeyUsageRecorder(scopes, clock, NullLogger<KeyUsageRecorder>.Instance);
        // The security events are a required part of verifying, as in the console; the sink drops them (a use is emitted once an hour).
        _verifier = new ApiKeyVerifier(scopes, cache, new KeyRateLimiter(clock), _usage, clock, NullLogger<ApiKeyVerifier>.Instance,
            new ConsoleSecurityEvents(new DroppingSink(), new HttpContextAccessor(), clock, NullLogger<ConsoleSecurityEvents>.Instance));
        for (var i = 0; i < 10_000; i++)
        {
            Cache(cache, KeyFormat.Generate(KeyEnvironments.Production), null, []);
        }
        _plain = Cache(cache, KeyFormat.Generate(KeyEnvironments.Production), null, []);
        // A limit no benchmark run can exhaust: every call takes a token and is allowed.
        _limited = Cache(cache, KeyFormat.Generate(KeyEnvironments.Production), int.MaxValue, []);
        _restricted = Cache(cache, KeyFormat.Generate(KeyEnvironments.Production), int.MaxValue, ["192.168.0.0/16", "172.16.0.0/12", "10.1.0.0/16"]);
        foreach (var key in new[] { _plain, _limited, _restricted })
        {
            if (await _verifier.VerifyAsync(key, Options, CancellationToken.None) is { Valid: false } denied)
            {
                throw new InvalidOperationException($"Expected valid, got {denied.Reason}.");
            }
        }
        // The console drains usage every 5 s (KeyUsageFlusher); here every second, so the bounded channel never fills.
        // Draining reads every event, then fails to reach the (absent) database, which the flusher tolerates.
        _stop = new CancellationTokenSource();
        _drain = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(1000);
                try
                {
                    await _usage.FlushAsync(CancellationToken.None);
                }
                catch (InvalidOperationException)
                {
                }
            }
        });
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _stop.CancelAsync();
        await _drain;
        await _services.DisposeAsync();
    }

    [Benchmark(Description = "KeyFormat.IsWellFormed alone")]
    public bool WellFormed() => KeyFormat.IsWellFormed(_plain);

    [Benchmark(Baseline = true, Description = "SHA-256 of the key alone (KeyFormat.Hash)")]
    public byte[] Sha256() => KeyFormat.Hash(_plain);

    [Benchmark(Description = "verify cached key, no rate limit")]
    public ValueTask<KeyVerification> VerifyPlain() => _verifier.VerifyAsync(_plain, Options, CancellationToken.None);

    [Benchmark(Description = "verify cached key, with rate limit")]
    public ValueTask<KeyVerification> VerifyLimited() => _verifier.VerifyAsync(_limited, Options, CancellationToken.None);

    [Benchmark(Description = "verify cached key, rate limit + IP allow-list (3)")]
    public ValueTask<KeyVerification> VerifyRestricted() => _verifier.VerifyAsync(_restricted, Options, CancellationToken.None);

    private static string Cache(KeyCache cache, string secret, int? rateLimit, string[] ips)
    {
        var key = KeyCacheMemory.Row(secret, Guid.NewGuid().ToString(), "payments", [Permissions.KeysVerify, Permissions.EventsWrite], rateLimit, ips);
        cache.Set(KeyHash.From(key.Hash), KeyRecord.From(key), cache.Generation);
        return secret;
    }

    private sealed class DroppingSink : ISecurityEventSink
    {
        public void Emit(SecurityEvent e)
        {
        }

        public Task<long[]> WriteAsync(IReadOnlyList<SecurityEvent> events, CancellationToken ct) => Task.FromResult(new long[events.Count]);
    }
}
