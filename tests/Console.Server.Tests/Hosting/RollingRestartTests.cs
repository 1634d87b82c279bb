using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// A rolling restart of the local cluster (deploy/local/cluster.sh: two nodes behind nginx, PostgreSQL, Redis) under a
/// steady event load, with an analyst's live feed connected through nginx (issue 15): every node in turn gets SIGTERM,
/// drains and starts again. Every event the console acknowledged is stored; the live feed, told to reconnect by the
/// draining node, reconnects through nginx to a node that stays and catches up on what it missed, so it ends up with
/// every alert raised; and the recurring jobs (the report schedule ticker, the audit checkpoint, the compliance sweep and
/// the audit chain verification) run once per occurrence across the restarts. The nodes run all four every minute
/// (Jobs:Schedules, ADR 0111; their own schedules are every one, five, ten and thirty minutes), so every minute of the
/// restarts is an occurrence of each and the test does not wait for a mark where all of them fall due. The commands it runs first (the analyst and
/// the sender's key, made on the command line without those settings) leave the nodes' schedules alone (ADR 0145); when
/// they did not, an occurrence due before the first restarted node put them back had no run of its own (CI, 04:17).
/// Durations (the longest gap of the live feed) are reported, not asserted.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class RollingRestartTests(LocalCluster cluster, ITestOutputHelper output)
{
    /// <summary>The recurring jobs counted, each run every minute on the cluster's nodes (UTC, on the minute).</summary>
    private static readonly string[] RecurringJobs = [.. LocalCluster.EveryMinute];

    /// <summary>Of every this many batches, one carries a revoked key being tried: one alert each (built-in rule revoked-key-use).</summary>
    private const int AlertEvery = 10;

    private const int BatchSize = 10;

    [Fact]
    public async Task ARollingRestartUnderLoadLosesNoAcknowledgedEventLeavesTheLiveFeedWholeAndRunsEachRecurringJobOncePerOccurrence()
    {
        cluster.Require();
        var run = Guid.NewGuid().ToString("N")[..6];
        var analystEmail = $"analyst-{run}@cluster.test";
        var password = $"Rolling-Restart-{run}-Pw";
        await cluster.RunAsync(["admin", "create-user", "--email", analystEmail, "--role", Roles.SecurityAnalyst, "--password-stdin"], password + "\n");
        // The sending service's key, made on the command line for the analyst (as ClusterLiveFeedTests does): no admin and
        // operator key of their own to make first (two more console processes), which this test never used.
        var service = $"rolling-{run}";
        var senderKey = await cluster.RunAsync(["admin", "create-token", "--email", analystEmail, "--scopes", Permissions.EventsWrite, "--service", service]);

        // The analyst signs in through nginx and opens the live feed there, as the browser's LiveConnection does.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = cluster.Url };
        var signIn = await browser.SignInAsync(analystEmail, password);
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"Signing in through nginx answered {(int)signIn.StatusCode}: {await signIn.Content.ReadAsStringAsync(Ct)}");
        browser.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        await using var feed = new LiveFeed(browser, cookies, new Uri(cluster.Url, HubRoutes.Alerts.TrimStart('/')));
        await feed.StartAsync();

        using var sender = new HttpClient(new SocketsHttpHandler()) { BaseAddress = cluster.Url, Timeout = TimeSpan.FromMinutes(2) };
        sender.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", senderKey);
        var load = new EventLoad(sender, run);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sending = load.RunAsync(stopLoad.Token);
        var began = DateTimeOffset.UtcNow;
        await Eventually.HoldsAsync("the first alerts of the load to reach the live feed", () =>
            (load.AlertPrefixes.Count > 0 && load.AlertPrefixes.Take(3).Any(feed.Seen.ContainsKey), $"{load.Describe()}; feed: {feed.Describe()}"), Eventually.ProcessCeiling);

        // One node at a time: SIGTERM (drain), exit, start, ready; then a little load on the whole cluster before the next.
        var restarts = new List<string>();
        for (var node = 0; node < cluster.Nodes.Count; node++)
        {
            var watch = Stopwatch.StartNew();
            var ackedBefore = load.Acked;
            await cluster.RestartNodeAsync(node);
            restarts.Add($"node {node + 1} in {watch.Elapsed.TotalSeconds:F0} s");
            await Eventually.HoldsAsync($"events to be acknowledged again after node {node + 1} came back", () =>
                (load.Acked > ackedBefore + 20, load.Describe()), Eventually.ProcessCeiling);
        }
        // The load has done its part (events acknowledged across every restart and after the last): it stops here rather
        // than go on through the wait for the recurring jobs below, which it has no part in.
        await stopLoad.CancelAsync();
        await sending;

        // The occurrences counted: every whole minute from the first after the load began to the first after the last
        // restart; each is an occurrence of every job counted, the first of them ("the mark") among them whatever the
        // timing. Fixed here, from the minutes themselves: the window no longer depends on when a clock read after a timer
        // says the run ended (the timer may wake a few milliseconds early, and a window derived from that reading could
        // end before it began: no occurrence at all, and nothing checked).
        var lastRestartEnded = DateTimeOffset.UtcNow;
        var first = NextWholeMinute(began);
        var mark = first;
        var last = NextWholeMinute(lastRestartEnded);

        // Until each occurrence has run to an end (Hangfire triggers a job at its minute; it then waits for a worker, which
        // may have been on the node going down).
        await Eventually.ReadAsync($"a finished run of each recurring job's occurrences from {first:HH:mm} to {last:HH:mm}",
            () => RecurringRunsAsync(cluster, first, last),
            runs => runs.Where(r => r.Key.Expected).All(r => r.Value.Count > 0) && runs.SelectMany(r => r.Value).All(Finished),
            Describe, TimeSpan.FromMinutes(5));

        // Every acknowledged event is stored.
        await using var db = new NpgsqlConnection(cluster.Settings["ConnectionStrings__Console"]);
        await db.OpenAsync(Ct);
        var acked = load.AckedIds.ToArray();
        var storedOfAcked = await ScalarAsync(db, """SELECT count(*) FROM security_events WHERE "Id" = ANY(@ids)""", ("ids", acked));
        var storedOfRun = await ScalarAsync(db, """SELECT count(*) FROM security_events WHERE "Source" = @source""", ("source", service));

        // Every alert raised reaches the live feed, live or caught up after a reconnect; nothing has to be reloaded.
        var expected = load.AlertPrefixes.ToArray();
        await Eventually.HoldsAsync("every alert of an acknowledged event to be on the live feed", () =>
        {
            var missing = expected.Where(p => !feed.Seen.ContainsKey(p)).ToList();
            return (missing.Count == 0, $"{missing.Count} of {expected.Length} missing, first {string.Join(", ", missing.Take(5))}; feed: {feed.Describe()}");
        }, TimeSpan.FromMinutes(3));

        // The recurring jobs, read again after the live feed's wait, so that a second run of an occurrence triggered late is
        // there to be counted too.
        var occurrences = await RecurringRunsAsync(cluster, first, last);

        output.WriteLine($"Rolling restart of {cluster.Nodes.Count} nodes behind nginx: {string.Join(", ", restarts)}.");
        output.WriteLine($"Events: sent {load.Sent}, acknowledged (2xx) {acked.Length}, stored {storedOfRun} (of the acknowledged: {storedOfAcked}); " +
            $"batches answered otherwise: {load.DescribeFailures()}.");
        output.WriteLine($"Live feed: {feed.Describe()}; alerts raised for acknowledged events: {expected.Length}.");
        output.WriteLine($"Longest time without the live feed (connection lost → connected again and caught up): {feed.LongestGap.TotalSeconds:F1} s; gaps: {feed.DescribeGaps()}.");
        output.WriteLine($"Load from {began:HH:mm:ss}, last restart ended {lastRestartEnded:HH:mm:ss}; occurrences counted {first:HH:mm}–{last:HH:mm}.");
        output.WriteLine($"Recurring job runs per occurrence: {Describe(occurrences)}.");

        Assert.Equal(acked.Length, (int)storedOfAcked);
        Assert.True(storedOfRun >= acked.Length, $"{storedOfRun} events of the run stored, {acked.Length} acknowledged");
        Assert.True(feed.Reconnects >= 1, "The live feed was never told to reconnect: every node was restarted, so its node was too.");
        // Every job has its occurrence at the mark, and one at each minute counted.
        foreach (var job in RecurringJobs)
        {
            Assert.Contains(occurrences, o => o.Key.Job == job && o.Key.Minute == mark && o.Key.Expected);
            Assert.Equal((int)(last - first).TotalMinutes + 1, occurrences.Count(o => o.Key.Job == job && o.Key.Expected));
        }
        Assert.All(occurrences, o => Assert.True(o.Value.Count == 1 && o.Key.Expected,
            $"'{o.Key.Job}' ran {o.Value.Count} times for {o.Key.Minute:HH:mm} ({(o.Key.Expected ? "an occurrence" : "not an occurrence")}): {Describe(occurrences)}"));
        Assert.All(occurrences, o => Assert.True(o.Value.All(r => r.State == "Succeeded"),
            $"'{o.Key.Job}' for {o.Key.Minute:HH:mm} ended {string.Join("+", o.Value.Select(r => r.State))}: {Describe(occurrences)}"));
    }

    private static DateTimeOffset NextWholeMinute(DateTimeOffset t) =>
        new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).AddMinutes(1);

    /// <summary>A run in a final state: succeeded, failed or deleted (Hangfire's job states), not waiting or running.</summary>
    private static bool Finished(RecurringRun run) => run.State is "Succeeded" or "Failed" or "Deleted";

    /// <summary>One run of a recurring job: its Hangfire job, its state, and how many times a worker started it.</summary>
    private sealed record RecurringRun(long JobId, string State, int Attempts);

    /// <summary>
    /// The runs of the recurring jobs by the minute they were triggered for (Hangfire's "Time" parameter), read from
    /// Hangfire's tables in the cluster's PostgreSQL database, for the whole minutes <paramref name="first"/> to
    /// <paramref name="last"/>: each expected occurrence (none run: an empty list) and any run at another minute.
    /// </summary>
    private static async Task<SortedDictionary<(string Job, DateTimeOffset Minute, bool Expected), List<RecurringRun>>> RecurringRunsAsync(
        LocalCluster cluster, DateTimeOffset first, DateTimeOffset last)
    {
        Assert.True(first <= last, $"no whole minute to count from {first:O} to {last:O}");
        await using var db = new NpgsqlConnection(cluster.Settings["ConnectionStrings__Console"]);
        await db.OpenAsync(Ct);
        var runs = new SortedDictionary<(string Job, DateTimeOffset Minute, bool Expected), List<RecurringRun>>();
        foreach (var job in RecurringJobs)
        {
            for (var m = first; m <= last; m = m.AddMinutes(1))
            {
                runs[(job, m, true)] = [];
            }
        }
        await using var command = new NpgsqlCommand("""
            SELECT trim(both '"' from r.value), t.value, j.statename, j.createdat, j.id,
                   (SELECT count(*) FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing')
            FROM hangfire.job j
            JOIN hangfire.jobparameter r ON r.jobid = j.id AND r.name = 'RecurringJobId'
            LEFT JOIN hangfire.jobparameter t ON t.jobid = j.id AND t.name = 'Time'
            WHERE trim(both '"' from r.value) = ANY(@ids)
            """, db);
        command.Parameters.AddWithValue("ids", RecurringJobs);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var job = reader.GetString(0);
            var time = reader.IsDBNull(1) ? null : reader.GetString(1).Trim('"');
            var at = long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc));
            var minute = new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);
            if (minute < first || minute > last)
            {
                continue;
            }
            // Every minute is an occurrence of each job counted (a second run for one is counted against it).
            var key = (job, minute, true);
            if (!runs.TryGetValue(key, out var found))
            {
                runs[key] = found = [];
            }
            found.Add(new RecurringRun(reader.GetInt64(4), reader.IsDBNull(2) ? "(no state)" : reader.GetString(2), (int)reader.GetInt64(5)));
        }
        return runs;
    }

    private static string Describe(SortedDictionary<(string Job, DateTimeOffset Minute, bool Expected), List<RecurringRun>> runs) =>
        runs.Count == 0 ? "(no occurrence counted)" : string.Join("; ", runs.GroupBy(r => r.Key.Job).Select(g =>
            $"{g.Key}: {string.Join(", ", g.Select(r => $"{r.Key.Minute:HH:mm}{(r.Key.Expected ? "" : " (not due)")} " +
                $"{(r.Value.Count == 0 ? "none" : string.Join("+", r.Value.Select(x => x.Attempts > 1 ? $"{x.State} (started {x.Attempts} times)" : x.State)))}"))}"));

    private static async Task<long> ScalarAsync(NpgsqlConnection db, string sql, (string Name, object Value) parameter)
    {
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue(parameter.Name, parameter.Value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A service sending batches of events through nginx one after another, without retrying: what it counts as
    /// acknowledged is what the console answered 2xx to, with the stored ids.
    /// </summary>
    private sealed class EventLoad(HttpClient sender, string run)
    {
        private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
        private int _sent;

        public ConcurrentBag<long> AckedIds { get; } = [];

        /// <summary>The key prefixes of the revoked-key events acknowledged, in order: one alert each.</summary>
        public ConcurrentQueue<string> AlertPrefixes { get; } = new();

        public int Sent => Volatile.Read(ref _sent);

        public int Acked => AckedIds.Count;

        public async Task RunAsync(CancellationToken stop)
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var prefix = batch % AlertEvery == 0 ? $"rr{run}_{batch}" : null;
                var events = Enumerable.Range(0, BatchSize).Select(i => i == 0 && prefix is not null
                    ? (object)new { type = SecurityEventTypes.KeyVerifyFailed, keyPrefix = prefix, sourceIp = $"198.18.{batch / 250 % 256}.{batch % 250 + 1}", outcome = EventOutcomes.Denied, attributes = new { reason = "revoked" } }
                    : new { type = "rolling.heartbeat", outcome = EventOutcomes.Success, attributes = new { batch, i } }).ToArray();
                Interlocked.Add(ref _sent, events.Length);
                try
                {
                    // Not cancelled with the load: a batch on its way is answered, so it counts as acknowledged or not.
                    using var response = await sender.PostAsJsonAsync("/api/v1/events", events, CancellationToken.None);
                    if (response.IsSuccessStatusCode)
                    {
                        var result = (await response.Content.ReadFromJsonAsync<EventBatchResult>(CancellationToken.None))!;
                        foreach (var id in result.Ids)
                        {
                            AckedIds.Add(id);
                        }
                        if (prefix is not null)
                        {
                            AlertPrefixes.Enqueue(prefix);
                        }
                    }
                    else
                    {
                        _failures.AddOrUpdate($"HTTP {(int)response.StatusCode}", 1, (_, n) => n + 1);
                    }
                }
                catch (HttpRequestException ex)
                {
                    _failures.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }
                catch (TaskCanceledException)
                {
                    _failures.AddOrUpdate("timeout", 1, (_, n) => n + 1);
                }
                try
                {
                    await Task.Delay(100, stop);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        public string DescribeFailures() => _failures.IsEmpty ? "none" : string.Join(", ", _failures.Select(f => $"{f.Key} × {f.Value}"));

        public string Describe() => $"sent {Sent} events, {Acked} acknowledged, failures: {DescribeFailures()}";
    }

    /// <summary>
    /// The analyst's live feed as the browser keeps it (Console.Client's LiveConnection and AlertsPage): the hub through
    /// nginx, reconnecting by itself; after every reconnect it fetches the changes since its cursor, so it misses nothing.
    /// </summary>
    private sealed class LiveFeed : IAsyncDisposable
    {
        private static readonly TimeSpan[] Backoff = [TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];
        private readonly HttpClient _browser;
        private readonly HubConnection _hub;
        private readonly SemaphoreSlim _catchUp = new(1, 1);
        private readonly List<(DateTimeOffset Lost, DateTimeOffset? Back)> _gaps = [];
        private readonly CancellationTokenSource _disposed = new();
        private string? _cursor;
        private int _live, _caughtUp;

        public LiveFeed(HttpClient browser, CookieContainer cookies, Uri hub)
        {
            _browser = browser;
            _hub = new HubConnectionBuilder()
                .WithUrl(hub, o =>
                {
                    o.Cookies = cookies;
                    o.Headers[ApiConventions.CsrfHeader] = ApiConventions.CsrfHeaderValue;
                })
                .WithAutomaticReconnect(new Forever())
                .Build();
            _hub.On<AlertView>(HubMethods.AlertChanged, alert =>
            {
                if (Seen.TryAdd(alert.EntityId, alert.Id))
                {
                    Interlocked.Increment(ref _live);
                }
            });
            _hub.Reconnecting += _ => { Lost(); return Task.CompletedTask; };
            _hub.Reconnected += _ => CaughtUpAsync();
            // Closed without a reconnect (the server said not to): start again, as LiveConnection does.
            _hub.Closed += error =>
            {
                Lost();
                _ = Task.Run(async () =>
                {
                    for (var attempt = 0; !_disposed.IsCancellationRequested; attempt++)
                    {
                        try
                        {
                            await _hub.StartAsync(_disposed.Token);
                            await CaughtUpAsync();
                            return;
                        }
                        catch (Exception) when (!_disposed.IsCancellationRequested)
                        {
                            await Task.Delay(Backoff[Math.Min(attempt, Backoff.Length - 1)] + TimeSpan.FromSeconds(1), _disposed.Token);
                        }
                    }
                });
                return Task.CompletedTask;
            };
        }

        /// <summary>Each alert's entity (the revoked key's prefix) and id, once it has been pushed or caught up.</summary>
        public ConcurrentDictionary<string, long> Seen { get; } = new(StringComparer.Ordinal);

        public int Reconnects { get; private set; }

        public TimeSpan LongestGap
        {
            get
            {
                lock (_gaps)
                {
                    return _gaps.Select(g => (g.Back ?? DateTimeOffset.UtcNow) - g.Lost).DefaultIfEmpty(TimeSpan.Zero).Max();
                }
            }
        }

        public async Task StartAsync()
        {
            // Where the page's catch-up starts: the cursor of its first page, before any alert of the load.
            var page = (await _browser.GetFromJsonAsync<AlertPage>("/api/v1/alerts?limit=1", Ct))!;
            _cursor = page.ChangesCursor;
            var welcome = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var welcomed = _hub.On<DateTimeOffset>(HubMethods.Welcome, serverTime => welcome.TrySetResult());
            await _hub.StartAsync(Ct);
            await Eventually.ArrivesAsync("the hub's welcome through nginx", welcome.Task);
        }

        private void Lost()
        {
            lock (_gaps)
            {
                if (_gaps.Count == 0 || _gaps[^1].Back is not null)
                {
                    _gaps.Add((DateTimeOffset.UtcNow, null));
                }
            }
        }

        /// <summary>Connected again: the changes since the cursor, page by page, then the gap is closed.</summary>
        private async Task CaughtUpAsync()
        {
            await _catchUp.WaitAsync();
            try
            {
                Reconnects++;
                for (var attempt = 0; ; attempt++)
                {
                    try
                    {
                        AlertChanges changes;
                        do
                        {
                            changes = (await _browser.GetFromJsonAsync<AlertChanges>($"/api/v1/alerts/changes?since={Uri.EscapeDataString(_cursor!)}", _disposed.Token))!;
                            foreach (var alert in changes.Items)
                            {
                                if (Seen.TryAdd(alert.EntityId, alert.Id))
                                {
                                    Interlocked.Increment(ref _caughtUp);
                                }
                            }
                            _cursor = changes.Cursor;
                        }
                        while (changes.HasMore);
                        break;
                    }
                    catch (HttpRequestException) when (attempt < 10)
                    {
                        // nginx may still send this one to the node that is going: the browser's next try goes elsewhere.
                        await Task.Delay(TimeSpan.FromSeconds(1), _disposed.Token);
                    }
                }
                lock (_gaps)
                {
                    if (_gaps.Count > 0 && _gaps[^1].Back is null)
                    {
                        _gaps[^1] = (_gaps[^1].Lost, DateTimeOffset.UtcNow);
                    }
                }
            }
            finally
            {
                _catchUp.Release();
            }
        }

        public string Describe() =>
            $"{Seen.Count} alerts ({Volatile.Read(ref _live)} pushed live, {Volatile.Read(ref _caughtUp)} caught up after a reconnect), " +
            $"{Reconnects} reconnects, state {_hub.State}";

        public string DescribeGaps()
        {
            lock (_gaps)
            {
                return _gaps.Count == 0 ? "none" : string.Join(", ", _gaps.Select(g => g.Back is { } back ? $"{(back - g.Lost).TotalSeconds:F1} s" : "still open"));
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _disposed.CancelAsync();
            await _hub.DisposeAsync();
            _disposed.Dispose();
        }

        private sealed class Forever : IRetryPolicy
        {
            public TimeSpan? NextRetryDelay(RetryContext context) => Backoff[Math.Min((int)context.PreviousRetryCount, Backoff.Length - 1)];
        }
    }
}
