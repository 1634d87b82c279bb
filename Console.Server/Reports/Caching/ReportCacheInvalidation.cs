using Microsoft.Extensions.Caching.Hybrid;
using StackExchange.Redis;

namespace SecurityConsole.Server.Reports.Caching;

/// <summary>
/// Carries a tag invalidation to every node. HybridCache's RemoveByTagAsync reaches this node's tier 1 and the shared tier 2
/// only, not the other nodes' memory; so the tag is also published on a Redis channel that every node (this one too)
/// subscribes to, and each drops it from its own tier 1 on receipt (well within a second). Without Redis there is one
/// node and nothing to tell. A node that loses the subscription clears its report entries when it returns: it may have
/// missed a publish meanwhile.
/// </summary>
public sealed class ReportCacheInvalidation(HybridCache cache, IServiceProvider services, ILogger<ReportCacheInvalidation> logger) : IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("console:reports:invalidate");

    /// <summary>The tag every report entry carries, so that a node back from deafness can drop them all.</summary>
    public const string AllTag = "reports:all";

    private IConnectionMultiplexer? Redis => services.GetService<IConnectionMultiplexer>();

    // The connection StartAsync subscribed on: StopAsync lets go of that one, without asking a provider that a stopping
    // host may already have disposed (a console's stop in the tests threw ObjectDisposedException here once).
    private IConnectionMultiplexer? _subscribed;

    public async Task InvalidateAsync(string tag, CancellationToken ct)
    {
        await cache.RemoveByTagAsync(tag, ct);
        if (Redis is not { } redis)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, tag);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogError(ex, "Could not publish a report cache invalidation through Redis; other nodes keep their copy until it expires");
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        if (Redis is not { } redis)
        {
            return;
        }
        redis.ConnectionRestored += OnConnectionRestored;
        _subscribed = redis;
        try
        {
            var queue = await redis.GetSubscriber().SubscribeAsync(Channel);
            queue.OnMessage(async message =>
            {
                if (message.Message.HasValue)
                {
                    await cache.RemoveByTagAsync((string)message.Message!, CancellationToken.None);
                }
            });
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not subscribe to report cache invalidations yet; StackExchange.Redis subscribes again when Redis answers");
        }
    }

    public Task StopAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _subscribed, null) is { } redis)
        {
            redis.ConnectionRestored -= OnConnectionRestored;
        }
        return Task.CompletedTask;
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _ = cache.RemoveByTagAsync(AllTag, CancellationToken.None).AsTask();
            logger.LogInformation("Redis subscription for report cache invalidations restored; this node's report entries dropped");
        }
    }
}
