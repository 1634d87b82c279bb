using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Keys;

/// <summary>A key's SHA-256 as a value, cheap to hash and compare as a dictionary key.</summary>
public readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
{
    public static KeyHash From(ReadOnlySpan<byte> sha256) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(sha256),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[24..]));

    /// <summary>The SHA-256 of a well-formed key (ASCII, at most 64 characters), without allocating: the verify path's hash.</summary>
    public static KeyHash Of(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[64];
        Span<byte> sha256 = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(key, utf8)], sha256);
        return From(sha256);
    }

    /// <summary>The hash as bytes again (as stored in the database), for a look-up on a cache miss.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, A);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), D);
        return bytes;
    }
}

/// <summary>What verification needs of a key, read once from the database and then served from memory.</summary>
public sealed record KeyRecord(
    Guid Id,
    string OwnerUserId,
    string DisplayKey,
    string? Service,
    string Environment,
    IReadOnlyList<string> Scopes,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    int? RateLimitPerMinute,
    IReadOnlyList<IPNetwork> AllowedNetworks,
    bool RestrictsIp,
    bool Disabled = false)
{
    // A cache may hold a million records: environment and scope names point at the shared constants rather than
    // at a copy per row, and a key without an allow-list shares one empty array (see bench/RESULTS.md, issue 4).
    public static KeyRecord From(ApiKey key)
    {
        var allowList = key.IpAllowListEntries;
        return new(
            key.Id, key.OwnerUserId, key.DisplayKey, key.Service, Canonical(key.Environment, Shared.Keys.KeyEnvironments.All),
            key.ScopeList.Select(s => Canonical(s, Permissions.All)).ToArray(), key.ExpiresAt, key.RevokedAt, key.RateLimitPerMinute,
            allowList.Count == 0
                ? []
                : allowList.Select(e => Shared.Keys.IpAllowListEntry.TryParse(e, out var n) ? n : (IPNetwork?)null).OfType<IPNetwork>().ToArray(),
            // An allow-list whose entries cannot be read admits nobody, never everybody.
            allowList.Count > 0,
            key.DisabledAt is not null);
    }

    private static string Canonical(string value, IEnumerable<string> known) => known.FirstOrDefault(k => k == value) ?? value;
}

/// <summary>
/// Verification records by key hash, in this process. A known key stays for <see cref="PositiveLifetime"/>,
/// an unknown hash (null record) for <see cref="NegativeLifetime"/>. Changes that affect verification
/// (revoke, rotate) call <see cref="IKeyInvalidation"/>, which removes the entry here and, through Redis, on
/// every other node; the lifetimes only bound how stale a change made behind the console's back (directly in
/// the database) can be.
/// </summary>
public sealed class KeyCache(TimeProvider clock)
{
    public static readonly TimeSpan PositiveLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan NegativeLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Unknown hashes are attacker-chosen: cap how many are remembered.</summary>
    public const int MaxNegativeEntries = 100_000;

    /// <summary>While invalidations from other nodes may be missed, a cached answer is trusted only this long.</summary>
    public static readonly TimeSpan UntrustedLifetime = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<KeyHash, Entry> _entries = new();
    private volatile bool _untrusted;
    private long _generation;
    private int _negativeCount;
    private long _lastSweepTicks;

    /// <summary>Read before a database look-up and passed to <see cref="Set"/>, so that a look-up racing an invalidation is not cached.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _entries.Count;

    /// <summary>True when an entry is cached; <paramref name="record"/> null means "known not to exist". Stale entries are reported as such.</summary>
    public bool TryGet(KeyHash hash, out KeyRecord? record, out bool stale)
    {
        if (_entries.TryGetValue(hash, out var entry))
        {
            record = entry.Record;
            var now = clock.GetUtcNow();
            stale = entry.Until <= now || (_untrusted && entry.At + UntrustedLifetime <= now);
            return true;
        }
        record = null;
        stale = false;
        return false;
    }

    public void Set(KeyHash hash, KeyRecord? record, long generationBeforeLookUp)
    {
        if (record is null && Volatile.Read(ref _negativeCount) >= MaxNegativeEntries && !SweptSpace())
        {
            return;
        }
        var now = clock.GetUtcNow();
        var entry = new Entry(record, now + (record is null ? NegativeLifetime : PositiveLifetime), now);
        _entries.AddOrUpdate(hash, _ => Added(entry), (_, old) => Replaced(old, entry));
        // An invalidation during the look-up may have been for this very key: drop what was just read.
        if (Generation != generationBeforeLookUp)
        {
            Remove(hash);
        }
    }

    public void Invalidate(KeyHash hash)
    {
        Interlocked.Increment(ref _generation);
        Remove(hash);
    }

    /// <summary>Forgets everything (for example after missing invalidations while cut off from the other nodes).</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        foreach (var hash in _entries.Keys)
        {
            Remove(hash);
        }
    }

    /// <summary>
    /// Untrusted: this node may be missing other nodes' invalidations (Redis unreachable), so cached answers older
    /// than <see cref="UntrustedLifetime"/> are re-read from the database: a revocation elsewhere still takes effect
    /// here within about a second. Trusted again once invalidations flow.
    /// </summary>
    public bool Untrusted
    {
        get => _untrusted;
        set => _untrusted = value;
    }

    /// <summary>Drops expired entries, at most once per <see cref="NegativeLifetime"/>; true when that made room for negatives.</summary>
    private bool SweptSpace()
    {
        var now = clock.GetUtcNow();
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < NegativeLifetime.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return false;
        }
        foreach (var (hash, entry) in _entries)
        {
            if (entry.Until <= now)
            {
                Remove(hash);
            }
        }
        return Volatile.Read(ref _negativeCount) < MaxNegativeEntries;
    }

    private void Remove(KeyHash hash)
    {
        if (_entries.TryRemove(hash, out var removed) && removed.Record is null)
        {
            Interlocked.Decrement(ref _negativeCount);
        }
    }

    private Entry Added(Entry entry)
    {
        if (entry.Record is null)
        {
            Interlocked.Increment(ref _negativeCount);
        }
        return entry;
    }

    private Entry Replaced(Entry old, Entry entry)
    {
        var delta = (entry.Record is null ? 1 : 0) - (old.Record is null ? 1 : 0);
        Interlocked.Add(ref _negativeCount, delta);
        return entry;
    }

    private sealed record Entry(KeyRecord? Record, DateTimeOffset Until, DateTimeOffset At);
}

/// <summary>
/// Tells every verifier that a key changed: in this process (<see cref="LocalKeyInvalidation"/>, one node), or on
/// every node through Redis (<see cref="RedisKeyInvalidation"/>, when ConnectionStrings:Redis is set).
/// </summary>
public interface IKeyInvalidation
{
    ValueTask InvalidateAsync(byte[] keyHash, CancellationToken ct);
}

public sealed class LocalKeyInvalidation(KeyCache cache) : IKeyInvalidation
{
    public ValueTask InvalidateAsync(byte[] keyHash, CancellationToken ct)
    {
        cache.Invalidate(KeyHash.From(keyHash));
        return ValueTask.CompletedTask;
    }
}
