using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Keys;

/// <summary>How often a key was used in one minute.</summary>
public sealed class ApiKeyUsage
{
    public Guid KeyId { get; set; }
    public DateTimeOffset Minute { get; set; }
    public int Count { get; set; }
}

internal sealed class ApiKeyUsageConfiguration : IEntityTypeConfiguration<ApiKeyUsage>
{
    public void Configure(EntityTypeBuilder<ApiKeyUsage> b)
    {
        b.ToTable("api_key_usage");
        b.HasKey(u => new { u.KeyId, u.Minute });
    }
}

/// <summary>
/// Records key use off the verification path: <see cref="Record"/> only writes to a bounded channel;
/// <see cref="FlushAsync"/> (every few seconds, and at shutdown) sums per key and minute and writes
/// counts, last use and last address in a few statements.
/// </summary>
public sealed class KeyUsageRecorder(IServiceScopeFactory scopes, TimeProvider clock, ILogger<KeyUsageRecorder> logger)
{
    /// <summary>If the database is unreachable for long, use beyond this many events is dropped rather than held.</summary>
    public const int Capacity = 1_000_000;

    private readonly Channel<(Guid KeyId, DateTimeOffset At, string? Ip)> _events =
        Channel.CreateBounded<(Guid, DateTimeOffset, string?)>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });

    private readonly SemaphoreSlim _flushing = new(1, 1);

    public void Record(Guid keyId, string? ip) => _events.Writer.TryWrite((keyId, clock.GetUtcNow(), ip));

    public async Task<int> FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(ct);
        try
        {
            var counts = new Dictionary<(Guid, DateTimeOffset), int>();
            var last = new Dictionary<Guid, (DateTimeOffset At, string? Ip)>();
            var events = 0;
            while (_events.Reader.TryRead(out var e))
            {
                events++;
                var minute = new DateTimeOffset(e.At.UtcTicks - e.At.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
                counts[(e.KeyId, minute)] = counts.GetValueOrDefault((e.KeyId, minute)) + 1;
                if (!last.TryGetValue(e.KeyId, out var seen) || seen.At <= e.At)
                {
                    last[e.KeyId] = (e.At, e.Ip);
                }
            }
            if (events > 0)
            {
                await WriteAsync(counts, last, ct);
            }
            return events;
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task WriteAsync(Dictionary<(Guid, DateTimeOffset), int> counts, Dictionary<Guid, (DateTimeOffset At, string? Ip)> last, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        foreach (var ((keyId, minute), count) in counts)
        {
            var updated = await db.Set<ApiKeyUsage>().Where(u => u.KeyId == keyId && u.Minute == minute)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count + count), ct);
            if (updated == 0)
            {
                try
                {
                    db.Add(new ApiKeyUsage { KeyId = keyId, Minute = minute, Count = count });
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // Another node added this minute first: add to its row instead.
                    db.ChangeTracker.Clear();
                    await db.Set<ApiKeyUsage>().Where(u => u.KeyId == keyId && u.Minute == minute)
                        .ExecuteUpdateAsync(s => s.SetProperty(u => u.Count, u => u.Count + count), ct);
                }
            }
        }
        foreach (var (keyId, (at, ip)) in last)
        {
            await db.ApiKeys.Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < at))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at).SetProperty(k => k.LastUsedIp, ip), ct);
        }
        logger.LogDebug("Recorded use of {Keys} keys", last.Count);
    }
}

/// <summary>Flushes key usage every few seconds and once more when the console stops cleanly.</summary>
public sealed class KeyUsageFlusher(KeyUsageRecorder recorder, TimeProvider clock, ILogger<KeyUsageFlusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        try
        {
            await recorder.FlushAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Counts read from the channel in this round are lost; the key's state is unaffected.
            logger.LogWarning(ex, "Recording key usage failed");
        }
    }
}
