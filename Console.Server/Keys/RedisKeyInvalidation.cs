using StackExchange.Redis;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Key invalidation across nodes: the changed key's hash is removed here at once and published on a Redis channel
/// that every node (this one included) subscribes to. Pub/sub delivers only to nodes connected at the time, so a
/// node that loses Redis marks its cache untrusted (answers older than a second are re-read from the database)
/// and clears it when the connection returns: a missed revocation never keeps a key alive.
/// </summary>
public sealed class RedisKeyInvalidation(IConnectionMultiplexer redis, KeyCache cache, ILogger<RedisKeyInvalidation> logger)
    : IKeyInvalidation, IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("console:keys:invalidate");

    public async ValueTask InvalidateAsync(byte[] keyHash, CancellationToken ct)
    {
        cache.Invalidate(KeyHash.From(keyHash));
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, keyHash);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The change is committed; other nodes re-read within a second once they notice Redis is gone.
            logger.LogError(ex, "Could not publish a key invalidation through Redis; other nodes rely on their untrusted-cache fallback");
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        cache.Untrusted = !redis.IsConnected;
        try
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
            queue.OnMessage(message =>
            {
                if (message.Message.HasValue && (byte[]?)message.Message is { Length: 32 } hash)
                {
                    cache.Invalidate(KeyHash.From(hash));
                }
            });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // StackExchange.Redis re-subscribes on reconnect; until then the cache is untrusted.
            cache.Untrusted = true;
            logger.LogWarning(ex, "Could not subscribe to key invalidations yet; verifying from the database until Redis answers");
        }
    }

    public Task StopAsync(CancellationToken ct)
    {
        redis.ConnectionFailed -= OnConnectionFailed;
        redis.ConnectionRestored -= OnConnectionRestored;
        return Task.CompletedTask;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            cache.Untrusted = true;
            logger.LogWarning("Lost the Redis subscription for key invalidations; cached keys are re-read after a second until it returns");
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            // Anything may have changed while the node was deaf.
            cache.Clear();
            cache.Untrusted = false;
            logger.LogInformation("Redis subscription for key invalidations restored; key cache cleared");
        }
    }
}
