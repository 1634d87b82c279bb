using SecurityConsole.Server.Common;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
    // continuously, as KeyRateLimiter does in process. Answers {allowed, whole tokens left, microseconds to the next token}.
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
          tokens = tokens - 1
          allowed = 1
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
        "console.key_rate_limit.decisions", description: "Key rate limit decisions, by where they were taken (redis or fallback) and whether allowed.");

    // Nodes (limiters, in tests several per process) taking their decisions in their own bucket now.
    private static int s_fallingBack;
    private static readonly ObservableGauge<int> FallbackGauge = ConsoleMetrics.Meter.CreateObservableGauge(
        "console.key_rate_limit.fallback", () => Volatile.Read(ref s_fallingBack),
        description: "1 while this node enforces its share of key rate limits because Redis is unreachable, else 0.");

    private readonly KeyRateLimiter _fallback = new(clock);
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private volatile int _nodesSeen;
    private volatile bool _fallingBack;

    /// <summary>The number of nodes the limit is divided by while Redis is unreachable.</summary>
    public int FallbackDivisor => Math.Max(1, Math.Max(settings.FallbackNodes, _nodesSeen));

    /// <summary>Whether the last decision was taken in this node's own bucket because Redis could not be reached.</summary>
    public bool FallingBack => _fallingBack;

    public async ValueTask<RateDecision> TakeAsync(Guid keyId, int perMinute)
    {
        // A disconnected multiplexer would queue the call until its timeout: take the node's share at once instead.
        if (redis.IsConnected)
        {
            try
            {
                var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                    TakeScript, [(RedisKey)(KeyPrefix + keyId.ToString("N"))], [perMinute]))!;
                var allowed = (long)result[0] == 1;
                NoteRedis(true);
                Decisions.Add(1, new("store", "redis"), new("allowed", allowed));
                return allowed
                    ? new RateDecision(true, (int)(long)result[1], 0)
                    : new RateDecision(false, 0, Math.Max(1, (int)Math.Ceiling((long)result[2] / 1_000_000.0)));
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
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Forgotten after PresenceLifetime all the same.
        }
    }
}
