using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using SecurityConsole.Benchmarks.Compliance;
using SecurityConsole.Benchmarks.Detection;
using SecurityConsole.Shared.Reports;

namespace SecurityConsole.Benchmarks.Reports;

/// <summary>
/// <c>reports e2e [--rows 2500] [--repeat 3] [--cached 5] [--runs 10] [--verify-rate 200] [--idle-seconds 20]</c>: the report
/// goals of issue 13 against a real Console.Server process (the Release build, Production settings) on a throwaway
/// PostgreSQL, in one run so that the ratios compare like with like:
/// <list type="number">
/// <item>(a) the security summary of <c>--rows</c> seeded alerts (every alert a table row, with its donut, bar, line and
/// heat-map charts: about 50 A4 pages at 2,500) as a PDF, browser and console warm (<c>--warm-ups</c>, 5 by default, PDFs
/// of the same report printed first and not counted: the first prints after a start share the two cores with the console's
/// own tier-1 JIT; the table shows each warm-up's time), each
/// time for a closed period not asked for before (no cache): the run's own stage timings, data to PDF (querying +
/// rendering + PDF), median of <c>--repeat</c>;</item>
/// <item>(b) the same request again, <c>--cached</c> times: served from the artifact cache (the run says so: no rendering
/// stage), its processing on the server plus the download of the PDF over HTTP;</item>
/// <item>(c) key verification (POST /api/v1/keys/verify, open loop at <c>--verify-rate</c> per second, as services call it)
/// idle, then while <c>--runs</c> uncached PDF runs of the same report execute: p99 of each and their ratio.</item>
/// </list>
/// Prints one table at the end with the load average at the start and the end. Hangfire (PostgreSQL storage) polls its
/// queues, so the wait from the 202 to the run's start is shown apart and is not part of (a) or (b).
/// </summary>
internal static partial class ReportEndToEndBench
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;
    private const string Admin = "admin@bench.example";
    private const string Developer = "developer@bench.example";

    public static async Task<int> RunAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var rows = a.Int("--rows", 2_500);
        var repeat = a.Int("--repeat", 3);
        var cachedCount = a.Int("--cached", 5);
        var loadRuns = a.Int("--runs", 10);
        var rate = a.Int("--verify-rate", 200);
        var idleSeconds = a.Int("--idle-seconds", 20);
        var warmUps = a.Int("--warm-ups", 5);
        var saveHtml = a.String("--save-html", "");
        var work = BenchArgs.WorkDirectory("reports-e2e");
        var startStamp = BenchArgs.Stamp();
        Console.WriteLine($"== reports e2e: {rows:N0} alerts, {repeat} PDF runs, {cachedCount} cached, {loadRuns} runs under verify at {rate}/s; start {startStamp}");
        if (!File.Exists("/usr/bin/chromium"))
        {
            Console.Error.WriteLine("PDF output needs Chromium at /usr/bin/chromium (apt-get install chromium).");
            return 1;
        }

        var connection = await BenchPostgres.CreateDatabaseAsync("reports_bench");
        await BenchServer.CommandAsync(connection, null, "migrate");
        await BenchServer.CreateUserAsync(connection, Admin, "Admin");
        await BenchServer.CreateUserAsync(connection, Developer, "Developer");
        var verifierKey = await BenchServer.CreateTokenAsync(connection, Developer, "keys:verify");
        var verifiedKey = await BenchServer.CreateTokenAsync(connection, Developer, "events:write", "payments");
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            await SeedAlertsAsync(c, rows);
        }
        await using var server = await BenchServer.StartAsync(connection, Path.Combine(work, "console.log"));
        Console.WriteLine($"   console pid {server.Pid} at {server.BaseAddress}, log {work}/console.log");
        var (admin, _) = await server.SignInAsync(Admin);
        await using var children = new ChildProcessMemory(server.Pid);
        var origin = DateTimeOffset.UtcNow.AddMinutes(-1);

        // The browser and the rendering path warm: PDFs of the same report over an open period (never cached), not counted.
        // The first prints after the console starts are slower (8.6, 3.4, 3.3, 2.4, 2.0 s, then 1.5-1.9 s in the run of
        // 18:38 on the quiet machine): the console's tiered JIT compiles its hot methods again at tier 1 on one of the two
        // cores for the first minute or so of work (its ".NET Tiered Compilation" thread, sampled per thread).
        var warmed = new List<double>();
        for (var w = 0; w < warmUps; w++)
        {
            Console.WriteLine($"== warm-up PDF {w + 1} of {warmUps}; load {Load()}");
            var warm = await RunAsync(admin, Request(DateTimeOffset.UtcNow.AddHours(1).AddSeconds(w)));
            warmed.Add(DataToPdf(warm));
            Console.WriteLine($"   {Describe(warm)}");
        }

        // (a) Data to PDF, each time a closed period not asked for before.
        Console.WriteLine($"== (a) {repeat} PDF runs, each of a new closed period; load {Load()}");
        var fresh = new List<ReportRunView>();
        var pages = 0;
        long size = 0;
        // The memory sampling (ten times a second, a third of a core) stays out of the timed prints; the warm-ups, the
        // same report, and (c) give the peak.
        children.Paused = true;
        for (var i = 0; i < repeat; i++)
        {
            var run = await RunAsync(admin, Request(origin.AddSeconds(-i)));
            fresh.Add(run);
            var pdf = await admin.GetByteArrayAsync($"api/v1/reports/runs/{run.Id}/download");
            (pages, size) = (PageCount(pdf, work), pdf.Length);
            Console.WriteLine($"   {Describe(run)}; {pages} pages, {size / 1024.0:N0} KB");
        }

        // --save-html FILE: the same report as HTML, for probing Chromium's print outside the console.
        if (saveHtml.Length > 0)
        {
            var html = await RunAsync(admin, Request(origin.AddSeconds(-repeat), ReportFormats.Html));
            await File.WriteAllBytesAsync(saveHtml, await admin.GetByteArrayAsync($"api/v1/reports/runs/{html.Id}/download"));
            Console.WriteLine($"   the report's HTML saved to {saveHtml}");
        }

        children.Paused = false;
        var memoryA = children.Peak;
        Console.WriteLine($"   PDF processes at their largest during the warm-up (not sampled during (a)'s timed prints): {memoryA}");
        // Where the PDF stage's time went: the console logs the steps of every print (ADR 0135); the last ones are (a)'s.
        var steps = PrintSteps(Path.Combine(work, "console.log")).TakeLast(repeat).ToList();
        var stepsLine = steps.Count == 0 ? "not in the console's log" : string.Join(", ",
            StepNames.Select((name, i) => $"{name} {Median(steps.Select(s => s[i])):N0}"));
        Console.WriteLine($"   PDF stage by step, median of {steps.Count}: {stepsLine} ms");

        // (b) The last of them again: the artifact cache serves it (the last, so that nothing the console does by itself in
        // between, such as a compliance evaluation writing audit entries, moves the data watermark the cache is keyed by).
        var again = origin.AddSeconds(-(repeat - 1));
        Console.WriteLine($"== (b) the same request {cachedCount} times (artifact cache); load {Load()}");
        var served = new List<double>();
        var downloads = new List<double>();
        var cachedWall = new List<double>();
        var hits = 0;
        var inRequest = 0;
        var posts = new List<double>();
        for (var i = 0; i < cachedCount; i++)
        {
            var wall = Stopwatch.StartNew();
            var accepted = await AcceptAsync(admin, Request(again));
            posts.Add(wall.Elapsed.TotalMilliseconds);
            // Served in its own request (ADR 0100) when the 202 already says succeeded; else it went through the queue.
            var served202 = accepted.Status == ReportRunStatuses.Succeeded;
            inRequest += served202 ? 1 : 0;
            var run = await WaitAsync(admin, accepted.Id, TimeSpan.FromMinutes(15));
            if (run.Status != ReportRunStatuses.Succeeded)
            {
                throw new InvalidOperationException($"The run {run.Id} ended {run.Status}: {run.FailureReason}");
            }
            var download = Stopwatch.StartNew();
            var bytes = await admin.GetByteArrayAsync($"api/v1/reports/runs/{run.Id}/download");
            download.Stop();
            cachedWall.Add(wall.Elapsed.TotalMilliseconds);
            var hit = run.Stages.All(s => s.Stage == ReportStages.Querying) && run.Artifact?.Sha256 == fresh[^1].Artifact?.Sha256;
            hits += hit ? 1 : 0;
            var processing = (run.FinishedAt!.Value - run.StartedAt!.Value).TotalMilliseconds;
            served.Add(processing + download.Elapsed.TotalMilliseconds);
            downloads.Add(download.Elapsed.TotalMilliseconds);
            Console.WriteLine($"   {(hit ? "hit" : "MISS")}: run {processing:F0} ms on the server + download {download.Elapsed.TotalMilliseconds:F1} ms ({bytes.Length / 1024.0:N0} KB); " +
                $"202 to downloaded {wall.Elapsed.TotalMilliseconds:F0} ms (queue wait {Wait(run):F0} ms); POST answered in {posts[^1]:F0} ms, its 202 said {accepted.Status}{(served202 ? " (served in the request)" : " (went through the queue)")}");
        }

        // (c) Key verification idle, then while the runs execute.
        using var verifier = server.KeyClient(verifierKey, 64);
        var body = JsonSerializer.Serialize(new { key = verifiedKey, requiredScope = "events:write", clientIp = "10.1.2.3" });
        Console.WriteLine($"== (c) key verify at {rate}/s: 3 s warm-up, {idleSeconds} s idle; load {Load()}");
        await VerifyAsync(verifier, body, rate, TimeSpan.FromSeconds(3), null);
        var idle = await VerifyAsync(verifier, body, rate, TimeSpan.FromSeconds(idleSeconds), null);
        Console.WriteLine($"   idle: {idle}");
        Console.WriteLine($"== (c) key verify at {rate}/s while {loadRuns} uncached PDF runs execute; load {Load()}");
        var ids = new List<Guid>();
        for (var i = 0; i < loadRuns; i++)
        {
            ids.Add(await StartAsync(admin, Request(DateTimeOffset.UtcNow.AddHours(1).AddSeconds(i))));
        }
        using var stop = new CancellationTokenSource();
        var cpuBefore = CpuTally.Take(server.Pid);
        var verifying = VerifyAsync(verifier, body, rate, TimeSpan.FromHours(1), stop.Token);
        var finished = new List<ReportRunView>();
        foreach (var id in ids)
        {
            finished.Add(await WaitAsync(admin, id, TimeSpan.FromMinutes(30)));
        }
        var cpu = CpuTally.Take(server.Pid).Since(cpuBefore).ToList();
        await stop.CancelAsync();
        var all = await verifying;
        // Only the calls sent while a run was executing: from the first start to the last finish (the server's clock, this machine's).
        var from = finished.Min(r => r.StartedAt ?? r.CreatedAt);
        var to = finished.Max(r => r.FinishedAt ?? DateTimeOffset.UtcNow);
        var loaded = all.Within(from, to);
        var succeeded = finished.Count(r => r.Status == ReportRunStatuses.Succeeded);
        Console.WriteLine($"   {succeeded} of {loadRuns} runs succeeded, executing for {(to - from).TotalSeconds:F1} s; PDF stage median {Median(finished.Select(r => Stage(r, ReportStages.Pdf))):F0} ms");
        Console.WriteLine($"   under load: {loaded}");
        var memoryC = children.Peak;
        var console = server.Memory();
        Console.WriteLine($"   PDF processes at their largest so far (through (c)): {memoryC}; the console itself: VmRSS {console.RssMb:F0} MB, VmHWM {console.HwmMb:F0} MB");
        var cpuLine = string.Join("; ", cpu.Take(10).Select(c => $"{c.Who} {c.Seconds:F1} s"));
        Console.WriteLine($"   CPU used while the runs executed, by whom: {cpuLine}");

        var dataToPdf = Median(fresh.Select(DataToPdf));
        var startToFinish = Median(fresh.Select(r => (r.FinishedAt!.Value - r.StartedAt!.Value).TotalMilliseconds));
        var cached = Median(served);
        var ratio = loaded.P99 / idle.P99;
        var endStamp = BenchArgs.Stamp();
        var table = new StringBuilder()
            .AppendLine()
            .AppendLine($"== Reports end to end (issue 13): {rows:N0} alerts, {pages} PDF pages ({size / 1024.0:N0} KB); Release console on PostgreSQL")
            .AppendLine($"   start {startStamp}")
            .AppendLine($"   end   {endStamp}")
            .AppendLine("| measure | result | goal | verdict |")
            .AppendLine("|---|---|---|---|")
            .AppendLine($"| (a) data to PDF, warm browser (querying + rendering + PDF stages), median of {fresh.Count} | {dataToPdf:N0} ms (querying {Median(fresh.Select(r => Stage(r, ReportStages.Querying))):N0}, rendering {Median(fresh.Select(r => Stage(r, ReportStages.Rendering))):N0}, PDF {Median(fresh.Select(r => Stage(r, ReportStages.Pdf))):N0}) | ≤ 3,000 ms | {Verdict(dataToPdf <= 3000)} |")
            .AppendLine($"| (a) the warm-ups before it, data to PDF in order (not counted) | {string.Join(" · ", warmed.Select(ms => ms.ToString("N0", CultureInfo.InvariantCulture)))} ms | — | — |")
            .AppendLine($"| (a) the PDF stage by step (the console's log), median of {steps.Count} | {stepsLine} ms | — | — |")
            .AppendLine($"| (a) the run from start to finish (with storing the artifact and its audit entry), median | {startToFinish:N0} ms | — | — |")
            .AppendLine($"| (a) queue wait, 202 to the run's start (Hangfire polls its PostgreSQL queue), median | {Median(fresh.Select(Wait)):N0} ms | — | — |")
            .AppendLine($"| (b) same request from the artifact cache: the run on the server + the PDF's download over HTTP, median of {served.Count} | {cached:N1} ms (download alone {Median(downloads):N1} ms; {hits} of {served.Count} hits) | ≤ 50 ms | {Verdict(cached <= 50 && hits == served.Count)} |")
            .AppendLine($"| (b) 202 to downloaded, with the queue wait, median | {Median(cachedWall):N0} ms | — | — |")
            .AppendLine($"| (b) hits served in their own POST (the 202 said succeeded), and the POST's time, median | {inRequest} of {served.Count}; POST {Median(posts):N1} ms | — | — |")
            .AppendLine($"| (c) key verify p99, idle ({idle.Count:N0} calls at {rate}/s) | {idle.P99:F2} ms (p50 {idle.P50:F2}) | — | — |")
            .AppendLine($"| memory: the PDF processes (Playwright's driver and Chromium) at their largest, summed PSS, through the warm-ups / through (c) | {memoryA.TotalMb:F0} MB / {memoryC} | — | — |")
            .AppendLine($"| memory: the console's own resident set, now / high-water | {console.RssMb:F0} MB / {console.HwmMb:F0} MB | — | — |")
            .AppendLine($"| (c) key verify p99 while {loadRuns} report runs execute ({loaded.Count:N0} calls, {succeeded} runs succeeded) | {loaded.P99:F2} ms (p50 {loaded.P50:F2}) | ≤ 2 × idle | {ratio:F2} × idle: {Verdict(ratio <= 2 && succeeded == loadRuns)} |")
            .AppendLine($"| (c) CPU used while the runs executed (from the first run's start to the last run's end, about) | {cpuLine} | — | — |");
        Console.WriteLine(table);
        File.WriteAllText(Path.Combine(work, "result.md"), table.ToString());
        Console.WriteLine($"   table also in {work}/result.md");
        return 0;
    }

    private static readonly string[] StepNames = ["page", "content", "headings", "print", "outline", "close"];

    /// <summary>The steps of each print the console logged ("Report PDF printed in … ms: page … ms, content … ms, …"), in order.</summary>
    private static IEnumerable<double[]> PrintSteps(string log)
    {
        if (!File.Exists(log))
        {
            yield break;
        }
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (PrintStepsLine().Match(line) is { Success: true } m)
            {
                yield return [.. StepNames.Select(n => double.Parse(m.Groups[n].Value, CultureInfo.InvariantCulture))];
            }
        }
    }

    [GeneratedRegex(@"Report PDF printed in \d+ ms: page (?<page>\d+) ms, content (?<content>\d+) ms, headings (?<headings>\d+) ms, print (?<print>\d+) ms, outline (?<outline>\d+) ms, close (?<close>\d+) ms")]
    private static partial Regex PrintStepsLine();

    private static string Verdict(bool met) => met ? "met" : "NOT met";

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>2,500 alerts by default over the 28 days before now, every hour of the day and three rules, a tenth still open.</summary>
    private static async Task SeedAlertsAsync(NpgsqlConnection c, int count)
    {
        await ComplianceSeed.ExecAsync(c, $$"""
            INSERT INTO alerts ("RuleId", "EntityKind", "EntityId", "Severity", "Status", "Title", "Summary", "Details", "Count", "NoteCount",
                                "CreatedAt", "FirstSeenAt", "LastSeenAt", "UpdatedAt", "Version", "ClosedAt", "ClosedBy")
            SELECT (ARRAY['failed-sign-in-burst','revoked-key-used','key-from-new-network'])[1 + g % 3], 'user', 'person' || (g % 500) || '@bench.example',
                   (ARRAY['low','medium','high','critical'])[1 + g % 4], CASE WHEN g % 10 = 0 THEN 'open' ELSE 'resolved' END,
                   'Bench alert ' || g, 'seeded', '{}', 1 + g % 7, 0,
                   t, t, t + interval '1 hour', t + interval '1 hour', 1,
                   CASE WHEN g % 10 = 0 THEN NULL ELSE t + interval '2 hours' END,
                   CASE WHEN g % 10 = 0 THEN NULL ELSE 'bench' END
            FROM generate_series(1, {{count}}) g, LATERAL (SELECT now() - (1 + g % 27) * interval '1 day' - (g % 24) * interval '1 hour' AS t) AS seeded
            """);
        await ComplianceSeed.ExecAsync(c, "ANALYZE alerts");
    }

    internal static RunReportRequest Request(DateTimeOffset to, string format = ReportFormats.Pdf) => new(ReportTypes.SecuritySummary, null, format, new Dictionary<string, string>
    {
        ["period"] = ReportPeriods.Custom,
        ["from"] = to.AddDays(-30).ToString("O", CultureInfo.InvariantCulture),
        ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
    });

    private static async Task<Guid> StartAsync(HttpClient client, RunReportRequest request) => (await AcceptAsync(client, request)).Id;

    private static async Task<RunAccepted> AcceptAsync(HttpClient client, RunReportRequest request)
    {
        using var response = await client.PostAsJsonAsync("api/v1/reports/runs", request, Json);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"The run was refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<RunAccepted>(Json))!;
    }

    internal static async Task<ReportRunView> RunAsync(HttpClient client, RunReportRequest request)
    {
        var run = await WaitAsync(client, await StartAsync(client, request), TimeSpan.FromMinutes(15));
        return run.Status == ReportRunStatuses.Succeeded
            ? run
            : throw new InvalidOperationException($"The run {run.Id} ended {run.Status}: {run.FailureReason}");
    }

    private static async Task<ReportRunView> WaitAsync(HttpClient client, Guid id, TimeSpan ceiling)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var view = (await client.GetFromJsonAsync<ReportRunView>($"api/v1/reports/runs/{id}", Json))!;
            if (ReportRunStatuses.IsFinished(view.Status))
            {
                return view;
            }
            if (watch.Elapsed > ceiling)
            {
                throw new TimeoutException($"The run {id} was still {view.Status} ({view.Stage}) after {ceiling.TotalMinutes:N0} minutes.");
            }
            await Task.Delay(50);
        }
    }

    internal static double Stage(ReportRunView run, string stage) => run.Stages.Where(s => s.Stage == stage).Sum(s => s.Milliseconds);

    private static double DataToPdf(ReportRunView run) =>
        Stage(run, ReportStages.Querying) + Stage(run, ReportStages.Rendering) + Stage(run, ReportStages.Pdf);

    private static double Wait(ReportRunView run) => run.StartedAt is { } s ? (s - run.CreatedAt).TotalMilliseconds : double.NaN;

    private static string Describe(ReportRunView run) =>
        $"{run.RowCount:N0} rows; {string.Join(", ", run.Stages.Select(s => $"{s.Stage} {s.Milliseconds:F0} ms"))}; queue wait {Wait(run):F0} ms";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToList();
        return BenchArgs.Quantile(sorted, 0.5);
    }

    /// <summary>Pages of the PDF: pdfinfo (poppler-utils) where installed, else its page objects counted.</summary>
    private static int PageCount(byte[] pdf, string work)
    {
        var file = Path.Combine(work, "report.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            using var info = Process.Start(new ProcessStartInfo("pdfinfo", [file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = info.StandardOutput.ReadToEnd();
            info.WaitForExit();
            if (PagesLine().Match(output) is { Success: true } m)
            {
                return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return PageObject().Matches(Encoding.Latin1.GetString(pdf)).Count;
    }

    /// <summary>Open loop: one call every 1/rate s, each sent on time whether or not the ones before were answered.</summary>
    private static async Task<VerifySample> VerifyAsync(HttpClient client, string body, int rate, TimeSpan duration, CancellationToken? stop)
    {
        var every = TimeSpan.FromSeconds(1.0 / rate);
        var calls = new List<(DateTimeOffset At, double Ms)>();
        var failed = 0;
        var inFlight = new List<Task>();
        var watch = Stopwatch.StartNew();
        for (var k = 0; watch.Elapsed < duration && stop?.IsCancellationRequested != true; k++)
        {
            // Elapsed read once: read twice, the clock can pass the due time between the check and the wait (a negative delay).
            var wait = every * k - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            inFlight.Add(Task.Run(async () =>
            {
                var at = DateTimeOffset.UtcNow;
                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.PostAsync("api/v1/keys/verify", new StringContent(body, Encoding.UTF8, "application/json"));
                    var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (response.IsSuccessStatusCode)
                    {
                        lock (calls)
                        {
                            calls.Add((at, ms));
                        }
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                Interlocked.Increment(ref failed);
            }));
            if (inFlight.Count > 2_000)
            {
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }
        await Task.WhenAll(inFlight);
        return new VerifySample(calls, failed);
    }

    private sealed record VerifySample(List<(DateTimeOffset At, double Ms)> Calls, int Failed)
    {
        private List<double> Sorted => [.. Calls.Select(c => c.Ms).Order()];

        public int Count => Calls.Count;

        public double P50 => BenchArgs.Quantile(Sorted, 0.5);

        public double P99 => BenchArgs.Quantile(Sorted, 0.99);

        public VerifySample Within(DateTimeOffset from, DateTimeOffset to) => new([.. Calls.Where(c => c.At >= from && c.At <= to)], Failed);

        public override string ToString() =>
            $"{Count:N0} calls answered 2xx ({Failed} failed): p50 {P50:F2} ms, p99 {P99:F2} ms, max {(Count > 0 ? Sorted[^1] : double.NaN):F2} ms";
    }

    [GeneratedRegex(@"^Pages:\s+(\d+)", RegexOptions.Multiline)]
    private static partial Regex PagesLine();

    [GeneratedRegex(@"/Type\s*/Page[^s]")]
    private static partial Regex PageObject();
}
