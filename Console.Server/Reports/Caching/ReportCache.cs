using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Hybrid;
using SecurityConsole.Server.Common;

namespace SecurityConsole.Server.Reports.Caching;

/// <summary>
/// The reports' two-tier cache: HybridCache, tier 1 in this process and tier 2 in Redis when ConnectionStrings:Redis is
/// set (docs/reports.md, ADR 0022). It holds resolved published templates, parsed templates by source hash (tier 1 only:
/// a parsed template is not data), data sets of closed periods by type, parameters, reader and watermark, finished
/// artifacts by template source, parameters, data watermark, format and renderer version, and (tier 1 only) those
/// artifacts' bytes by their SHA-256 for downloads. Every lookup counts as a hit
/// or a miss on the console.reports.cache.lookups counter (OpenTelemetry, meter "SecurityConsole").
/// </summary>
public sealed class ReportCache(HybridCache cache, ReportCacheInvalidation invalidation)
{
    /// <summary>Raised whenever rendering, the page style or PDF printing changes what the same data turns into.</summary>
    public const string RendererVersion = "2026-12-3.3";

    public const string Templates = "template";
    public const string Parsed = "parsed";
    public const string Data = "data";
    public const string Artifacts = "artifact";

    /// <summary>Finished artifacts' bytes by their SHA-256, in this process only: what a download sends without reading the database.</summary>
    public const string Contents = "content";

    private static readonly Counter<long> Lookups = ConsoleMetrics.Meter.CreateCounter<long>("console.reports.cache.lookups", "{lookup}",
        "Report cache lookups, by kind (template, parsed, data, artifact) and result (hit, miss).");

    private readonly ConcurrentDictionary<(string Kind, string Result), long> _counts = new();

    private static readonly HybridCacheEntryOptions LocalOnly = new()
    {
        Flags = HybridCacheEntryFlags.DisableDistributedCache | HybridCacheEntryFlags.DisableCompression,
    };

    /// <summary>This node's hits and misses so far, by kind: what the counter exports, readable by tests.</summary>
    public long Count(string kind, bool hit) => _counts.GetValueOrDefault((kind, hit ? "hit" : "miss"));

    /// <summary>The value under <paramref name="key"/>, made by <paramref name="factory"/> on a miss in both tiers.</summary>
    public async ValueTask<T> GetOrCreateAsync<T>(string kind, string key, IReadOnlyList<string> tags, Func<CancellationToken, ValueTask<T>> factory,
        CancellationToken ct, bool localOnly = false)
    {
        var missed = false;
        var value = await cache.GetOrCreateAsync($"reports:{kind}:{key}", async token =>
        {
            missed = true;
            return await factory(token);
        }, localOnly ? LocalOnly : null, [.. tags, ReportCacheInvalidation.AllTag], ct);
        Counted(kind, !missed);
        return value;
    }

    /// <summary>The value under <paramref name="key"/> if either tier holds it; nothing is made on a miss.</summary>
    public async ValueTask<T?> TryGetAsync<T>(string kind, string key, CancellationToken ct, bool localOnly = false) where T : class
    {
        var flags = HybridCacheEntryFlags.DisableUnderlyingData | HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite;
        var value = await cache.GetOrCreateAsync<T?>($"reports:{kind}:{key}", _ => ValueTask.FromResult<T?>(null),
            new HybridCacheEntryOptions { Flags = localOnly ? flags | HybridCacheEntryFlags.DisableDistributedCacheRead : flags },
            cancellationToken: ct);
        Counted(kind, value is not null);
        return value;
    }

    public ValueTask SetAsync<T>(string kind, string key, T value, IReadOnlyList<string> tags, CancellationToken ct, bool localOnly = false) =>
        cache.SetAsync($"reports:{kind}:{key}", value, localOnly ? LocalOnly : null, [.. tags, ReportCacheInvalidation.AllTag], ct);

    /// <summary>The tag every entry made from a template carries: publishing it drops them all, on every node.</summary>
    public static string TemplateTag(string template) => $"reports:template:{template}";

    /// <summary>Drops everything made from this template here and, through Redis, on every other node.</summary>
    public Task InvalidateTemplateAsync(string template, CancellationToken ct) => invalidation.InvalidateAsync(TemplateTag(template), ct);

    private void Counted(string kind, bool hit)
    {
        _counts.AddOrUpdate((kind, hit ? "hit" : "miss"), 1, (_, n) => n + 1);
        Lookups.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }
}
