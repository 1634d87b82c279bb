using System.Collections.Concurrent;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// A token bucket per key, in this process: a minute's allowance as the burst, refilled continuously.
/// On several nodes each enforces its own bucket (a key may reach the limit once per node) until the
/// buckets move to Redis.
/// </summary>
public sealed class KeyRateLimiter(TimeProvider clock)
{
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
