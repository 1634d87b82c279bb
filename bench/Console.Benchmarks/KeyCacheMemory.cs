using System.Diagnostics;
using System.Runtime;
using SecurityConsole.Server.Keys;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// <c>memory-keys [count]</c>: fills a <see cref="KeyCache"/> with realistic records made by <see cref="KeyRecord.From"/> from
/// rows shaped as EF materialises them (fresh strings per row), then reports the managed heap growth and the process's memory.
/// </summary>
internal static class KeyCacheMemory
{
    private static readonly string[][] ScopeSets =
    [
        [Permissions.KeysVerify],
        [Permissions.EventsWrite],
        [Permissions.KeysVerify, Permissions.EventsWrite],
        [Permissions.EventsWrite, Permissions.AlertsRead, Permissions.ReportsRead],
        [Permissions.KeysRead, Permissions.KeysVerify, Permissions.EventsWrite, Permissions.ComplianceRead],
    ];

    private static readonly string[][] AllowLists =
    [
        ["10.0.0.0/8"],
        ["10.20.0.0/16", "192.168.10.0/24"],
        ["203.0.113.7/32", "198.51.100.0/24", "2001:db8::/32", "10.0.0.0/8", "172.16.0.0/12"],
    ];

    public static int Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var owners = Enumerable.Range(0, 50_000).Select(_ => Guid.NewGuid()).ToArray();
        var environments = new[] { KeyEnvironments.Production, KeyEnvironments.Production, KeyEnvironments.Staging, KeyEnvironments.Development };
        var random = new Random(42);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Process.GetCurrentProcess().WorkingSet64;
        var cache = new KeyCache(TimeProvider.System);
        var generation = cache.Generation;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var env = environments[i % environments.Length];
            // A fifth of the keys carry an IP allow-list, a third a rate limit; every string is a fresh instance, as read from the database.
            var row = Row(
                Secret(env, random), owners[i % owners.Length].ToString(), $"service-{i % 2_000}", ScopeSets[i % ScopeSets.Length],
                i % 3 == 0 ? 600 : null, i % 5 == 0 ? AllowLists[i / 5 % AllowLists.Length] : []);
            row.Environment = new string(env);
            cache.Set(KeyHash.From(row.Hash), KeyRecord.From(row), generation);
        }
        watch.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        using var process = Process.GetCurrentProcess();
        process.Refresh();

        var growth = after - before;
        Console.WriteLine($"Keys cached:                       {cache.Count:N0} (filled in {watch.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine($"GC:                                {(GCSettings.IsServerGC ? "server" : "workstation")}, {Environment.ProcessorCount} processors");
        Console.WriteLine($"Managed heap growth (GetTotalMemory): {growth / 1048576.0:N1} MiB = {growth / (double)count:N0} bytes per key");
        Console.WriteLine($"GC heap size after full GC:        {info.HeapSizeBytes / 1048576.0:N1} MiB (committed {info.TotalCommittedBytes / 1048576.0:N1} MiB, fragmented {info.FragmentedBytes / 1048576.0:N1} MiB)");
        Console.WriteLine($"Process working set:               {workingSetBefore / 1048576.0:N1} MiB before, {process.WorkingSet64 / 1048576.0:N1} MiB after (peak {process.PeakWorkingSet64 / 1048576.0:N1} MiB)");
        Console.WriteLine($"Process private bytes:             {process.PrivateMemorySize64 / 1048576.0:N1} MiB");
        Console.WriteLine($"Target: under 1 GB (1024 MiB) of managed heap growth — {(growth < 1L << 30 ? "met" : "not met")}");
        GC.KeepAlive(cache);
        return 0;
    }

    /// <summary>
    /// A secret of the real shape (prefix, environment code, 49 base62 characters) from a cheap generator: only its hash and display
    /// prefix are cached, and KeyFormat.Generate's 43 CSPRNG calls per key would make filling a million keys take minutes.
    /// </summary>
    private static string Secret(string environment, Random random)
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        Span<char> tail = stackalloc char[49];
        for (var i = 0; i < tail.Length; i++)
        {
            tail[i] = alphabet[random.Next(alphabet.Length)];
        }
        return $"{KeyFormat.Product}_{KeyFormat.EnvironmentCodes[environment]}_{tail}";
    }

    /// <summary>An API key row as the database hands it to <see cref="KeyRecord.From"/>.</summary>
    public static ApiKey Row(string secret, string owner, string service, string[] scopes, int? rateLimit, string[] allowList) => new()
    {
        Id = Guid.NewGuid(),
        Name = service,
        Hash = KeyFormat.Hash(secret),
        Prefix = KeyFormat.DisplayPrefix(secret),
        LastFour = KeyFormat.LastFour(secret),
        Environment = KeyFormat.EnvironmentOf(secret),
        OwnerUserId = owner,
        Service = service,
        Scopes = string.Join(' ', scopes),
        CreatedAt = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddDays(90),
        RateLimitPerMinute = rateLimit,
        IpAllowList = allowList.Length == 0 ? null : string.Join(' ', allowList),
    };
}
