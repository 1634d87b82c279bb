using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SecurityConsole.Server.Common;
using StackExchange.Redis;

namespace SecurityConsole.Server.Keys;

/// <summary><c>RateLimits:*</c> settings: how a node limits keys while Redis cannot be reached.</summary>
public sealed class RateLimitSettings
{
    /// <summary>
    /// The number of nodes to divide a key's limit by while Redis is unreachable; 0 = the number of nodes last seen in
    /// Redis (at least 1). Set it to the deployment's node count when a node may start while Redis is already down.
    /// </summary>
    [Range(0, 1000)]
    public int FallbackNodes { get; set; }
}

/// <summary>
/// Key rate limits shared by every node: one token bucket per key in Redis, read, refilled and taken in one Lua script
/// (atomic on the Redis server, with Redis's clock, so nodes with skewed clocks agree). While Redis cannot be reached the
/// node falls back to its share of each limit in its own bucket (the limit divided by the nodes, see
/// <see cref="RateLimitSettings.FallbackNodes"/>), says so in readiness (check <c>key-rate-limits</c>, Degraded), in the
/// metric <c>console.key_rate_limit.fallback</c> and in the log. Never open, never closed: ADR 0042.
/// </summary>
public sealed class RedisKeyRateLimiter(IConnectionMultiplexer redis, RateLimitSettings settings, TimeProvider clock, ILogger<RedisKeyRateLimiter> logger)
    : BackgroundService, IKeyRateLimit, IHealthCheck
{
    public const string CheckName = "key-rate-limits";
    internal const string KeyPrefix = "console:ratelimit:";
    internal const string NodesKey = "console:nodes";
    private static readonly TimeSpan PresenceInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PresenceLifetime = TimeSpan.FromSeconds(35);

    // Tokens and the stamp (microseconds of Redis's TIME) in a hash; a minute's allowance as the burst, refilled
    // continuously, as KeyRateLimiter does in process. Takes up to ARGV[2] whole tokens (a lease, see LeaseSize).
    // Answers {tokens granted, whole tokens left, microseconds to the next token}.
    private const string TakeScript = """
        if redis.replicate_commands then redis.replicate_commands() end
        local capacity = tonumber(ARGV[1])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
        local tokens = tonumber(state[1])
        local stamp = tonumber(state[2])
        if tokens == nil or stamp == nil then
          tokens = capacity
          stamp = now
        end
        if now > stamp then
          tokens = math.min(capacity, tokens + (now - stamp) * capacity / 60000000)
          stamp = now
        end
        local allowed = 0
        local wait = 0
        if tokens >= 1 then
          allowed = math.min(math.floor(tokens), tonumber(ARGV[2]))
          tokens = tokens - allowed
        else
          wait = math.ceil((1 - tokens) * 60000000 / capacity)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(stamp))
        redis.call('PEXPIRE', KEYS[1], 61000)
        return {allowed, math.floor(tokens), wait}
        """;

    // Each node says it is alive every 10 s; the count of nodes heard from in the last 35 s is its share's divisor.
    private const string PresenceScript = """
        if redis.replicate_commands then redis.replicate_commands() end
        local t = redis.call('TIME')
        local now = tonumber(t[1])
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
        return redis.call('ZCARD', KEYS[1])
        """;

    private static readonly Counter<long> Decisions = ConsoleMetrics.Meter.CreateCounter<long>(
        "console.key_rate_limit.decisions", description: "Key rate limit decisions, by where they were taken (redis, lease: a token this node took ahead from Redis, or fallback) and whether allowed.");

    // Nodes (limiters, in tests several per process) taking their decisions in their own bucket now.
    private static int s_fallingBack;
    private static readonly ObservableGauge<int> FallbackGauge = ConsoleMetrics.Meter.CreateObservableGauge(
        "console.key_rate_limit.fallback", () => Volatile.Read(ref s_fallingBack),
        description: "1 while this node enforces its share of key rate limits because Redis is unreachable, else 0.");

    private readonly KeyRateLimiter _fallback = new(clock);
    private readonly ConcurrentDictionary<Guid, Lease> _leases = new();

    /// <summary>How long tokens taken ahead stay usable on this node; unspent ones are dropped, never given back.</summary>
    internal static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many tokens one trip to Redis takes for a key of this limit: a tenth of a second of its refill, at least one.
    /// Up to 599/min that is one token per call, exactly as before; a key verified thousands of times a second costs a
    /// Redis round trip per hundreds of calls instead of per call. The tokens are taken from the shared bucket before
    /// they are spent, so the nodes together never pass the limit; a node may refuse while another still holds unspent
    /// leased tokens, at most one lease's worth per node for at most <see cref="LeaseLifetime"/> (ADR 0042).
    /// </summary>
    internal static int LeaseSize(int perMinute) => Math.Max(1, perMinute / 600);
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private volatile int _nodesSeen;
    private volatile bool _fallingBack;

    /// <summary>The number of nodes the limit is divided by while Redis is unreachable.</summary>
    public int FallbackDivisor => Math.Max(1, Math.Max(settings.FallbackNodes, _nodesSeen));

    /// <summary>Whether the last decision was taken in this node's own bucket because Redis could not be reached.</summary>
    public bool FallingBack => _fallingBack;

    public async ValueTask<RateDecision> TakeAsync(Guid keyId, int perMinute)
    {
        var size = LeaseSize(perMinute);
        if (size > 1 && TrySpendLeased(keyId, perMinute) is { } leased)
        {
            Decisions.Add(1, new("store", "lease"), new("allowed", true));
            return leased;
        }
        // A disconnected multiplexer would queue the call until its timeout: take the node's share at once instead.
        if (redis.IsConnected)
        {
            try
            {
                var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                    TakeScript, [(RedisKey)(KeyPrefix + keyId.ToString("N"))], [perMinute, size]))!;
                var granted = (int)(long)result[0];
                var left = (int)(long)result[1];
                NoteRedis(true);
                Decisions.Add(1, new("store", "redis"), new("allowed", granted > 0));
                if (granted == 0)
                {
                    return new RateDecision(false, 0, Math.Max(1, (int)Math.Ceiling((long)result[2] / 1_000_000.0)));
                }
                if (granted > 1)
                {
                    Keep(keyId, perMinute, granted - 1, left);
                }
                return new RateDecision(true, left + granted - 1, 0);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Key rate limit: Redis did not answer; this node enforces its share of the limit");
            }
        }
        NoteRedis(false);
        var share = Math.Max(1, perMinute / FallbackDivisor);
        var (ok, remaining, retryAfter) = _fallback.TryTake(keyId, share);
        Decisions.Add(1, new("store", "fallback"), new("allowed", ok));
        return new RateDecision(ok, remaining, retryAfter);
    }

    /// <summary>Spends one of this node's leased tokens for the key, if it holds a live lease taken at this limit.</summary>
    private RateDecision? TrySpendLeased(Guid keyId, int perMinute)
    {
        if (!_leases.TryGetValue(keyId, out var lease))
        {
            return null;
        }
        var now = clock.GetTimestamp();
        lock (lease)
        {
            if (lease.Tokens <= 0 || lease.PerMinute != perMinute || clock.GetElapsedTime(lease.TakenAt, now) >= LeaseLifetime)
            {
                return null;
            }
            lease.Tokens--;
            return new RateDecision(true, lease.SharedLeft + lease.Tokens, 0);
        }
    }

    private void Keep(Guid keyId, int perMinute, int tokens, int sharedLeft)
    {
        var lease = _leases.GetOrAdd(keyId, static _ => new Lease());
        var now = clock.GetTimestamp();
        lock (lease)
        {
            // Calls that raced for a lease each took one: what is still live of the older one stays spendable.
            var live = lease.PerMinute == perMinute && clock.GetElapsedTime(lease.TakenAt, now) < LeaseLifetime ? lease.Tokens : 0;
            lease.Tokens = live + tokens;
            lease.PerMinute = perMinute;
            lease.SharedLeft = sharedLeft;
            lease.TakenAt = now;
        }
    }

    private void ForgetExpiredLeases()
    {
        var now = clock.GetTimestamp();
        foreach (var (id, lease) in _leases)
        {
            if (clock.GetElapsedTime(lease.TakenAt, now) >= LeaseLifetime)
            {
                _leases.TryRemove(new KeyValuePair<Guid, Lease>(id, lease));
            }
        }
    }

    private sealed class Lease
    {
        public int Tokens { get; set; }
        public int PerMinute { get; set; }
        public int SharedLeft { get; set; }
        public long TakenAt { get; set; }
    }

    private void NoteRedis(bool reached)
    {
        if (_fallingBack == reached)
        {
            _fallingBack = !reached;
            Interlocked.Add(ref s_fallingBack, reached ? -1 : 1);
            if (reached)
            {
                logger.LogInformation("Key rate limits are shared through Redis again");
            }
            else
            {
                logger.LogWarning("Key rate limits fall back to this node's share: each key's limit divided by {Nodes} node(s)", FallbackDivisor);
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(_fallingBack
            ? HealthCheckResult.Degraded($"Redis unreachable: each key's rate limit is enforced per node, divided by {FallbackDivisor} node(s).")
            : HealthCheckResult.Healthy($"Key rate limits shared through Redis by {Math.Max(1, _nodesSeen)} node(s)."));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = FallbackGauge;
        using var timer = new PeriodicTimer(PresenceInterval, clock);
        do
        {
            ForgetExpiredLeases();
            try
            {
                if (redis.IsConnected)
                {
                    var count = (long)(await redis.GetDatabase().ScriptEvaluateAsync(PresenceScript, [(RedisKey)NodesKey],
                        [_node, (long)PresenceLifetime.TotalSeconds]));
                    _nodesSeen = (int)Math.Max(1, count);
                    NoteRedis(true);
                }
                else
                {
                    // No call needs to fail first: readiness and the metric say so while no key is being verified.
                    NoteRedis(false);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogDebug(ex, "Could not announce this node in Redis");
                NoteRedis(false);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_fallingBack)
        {
            _fallingBack = false;
            Interlocked.Decrement(ref s_fallingBack);
        }
        try
        {
            if (redis.IsConnected)
            {
                await redis.GetDatabase().SortedSetRemoveAsync(NodesKey, _node);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Forgotten after PresenceLifetime all the same. The shared connection may be closed already by another of its
            // users that stopped first; a stop without a drain (tests) reaches this at once.
        }
    }
}
