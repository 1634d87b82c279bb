using System.Collections.Concurrent;

namespace SecurityConsole.Server.Keys;

/// <summary>One decision of a key's rate limit: whether a call may go ahead, whole tokens left, and when refused the wait.</summary>
public readonly record struct RateDecision(bool Allowed, int Remaining, int RetryAfterSeconds);

/// <summary>
/// Where key verification takes a token: in this process (<see cref="KeyRateLimiter"/>, one node) or shared by every
/// node through Redis (<see cref="RedisKeyRateLimiter"/>, when <c>ConnectionStrings:Redis</c> is set). ADR 0042.
/// </summary>
public interface IKeyRateLimit
{
    ValueTask<RateDecision> TakeAsync(Guid keyId, int perMinute);
}

/// <summary>
/// A token bucket per key, in this process: a minute's allowance as the burst, refilled continuously. The limiter of
/// one node (embedded, no Redis), and each node's fallback for its share of the limit while Redis cannot be reached.
/// </summary>
public sealed class KeyRateLimiter(TimeProvider clock) : IKeyRateLimit
{
    public ValueTask<RateDecision> TakeAsync(Guid keyId, int perMinute)
    {
        var (allowed, remaining, retryAfter) = TryTake(keyId, perMinute);
        return ValueTask.FromResult(new RateDecision(allowed, remaining, retryAfter));
    }

    private readonly ConcurrentDictionary<Guid, Bucket> _buckets = new();

    /// <summary>
    /// Takes one token if there is one; answers whether it did, how many whole tokens remain, and when refused how long
    /// until the next token (whole seconds, at least 1, as Retry-After wants).
    /// </summary>
    public (bool Allowed, int Remaining, int RetryAfterSeconds) TryTake(Guid keyId, int perMinute)
    {
        var now = clock.GetTimestamp();
        // The factory takes its state as an argument: no closure allocated on every call.
        var bucket = _buckets.GetOrAdd(keyId, static (_, state) => new Bucket(state.perMinute, state.now), (perMinute, now));
        lock (bucket)
        {
            var elapsed = clock.GetElapsedTime(bucket.Stamp, now);
            if (elapsed > TimeSpan.Zero)
            {
                bucket.Tokens = Math.Min(perMinute, bucket.Tokens + elapsed.TotalSeconds * perMinute / 60.0);
                bucket.Stamp = now;
            }
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return (true, (int)bucket.Tokens, 0);
            }
            var secondsToNextToken = (1 - bucket.Tokens) * 60.0 / perMinute;
            return (false, 0, Math.Max(1, (int)Math.Ceiling(secondsToNextToken - 1e-9)));
        }
    }

    public void Forget(Guid keyId) => _buckets.TryRemove(keyId, out _);

    private sealed class Bucket(double tokens, long stamp)
    {
        public double Tokens { get; set; } = tokens;
        public long Stamp { get; set; } = stamp;
    }
}
