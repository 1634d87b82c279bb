using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using SecurityConsole.Benchmarks.Detection;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Benchmarks.Compliance;

/// <summary>
/// <c>compliance [--users 10000] [--keys 100000] [--alerts 100000] [--flips 20] [--days 365]</c>: a Release console process on
/// PostgreSQL holding 1,000,000 chained audit entries, the users, keys and alerts, and a year of compliance history. Measures
/// (1) a full evaluation of every check (POST /api/v1/compliance/evaluate) and the process's memory growth across it, (2) time
/// to red: from the 2xx of a request that breaks a control (locking a key's owner) to <c>complianceChanged</c> at a hub client,
/// and (3) the evidence pack of PCI DSS over the year.
/// </summary>
internal static class ComplianceBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var users = a.Int("--users", 10_000);
        var keys = a.Int("--keys", 100_000);
        var alerts = a.Int("--alerts", 100_000);
        var flips = a.Int("--flips", 20);
        var days = a.Int("--days", 365);
        // --reuse: on the server CONSOLE_BENCH_PG names, keep the database a previous run seeded (seeding takes about 10 minutes).
        var reuse = args.Contains("--reuse");
        var work = BenchArgs.WorkDirectory("compliance");
        Console.WriteLine($"== compliance: {users:N0} users, {keys:N0} keys, {SeededTrail.Entries:N0} audit entries, {alerts:N0} alerts, {days} days of history; start {BenchArgs.Stamp()}");

        var seed = Stopwatch.StartNew();
        var reused = reuse ? await SeededAsync() : null;
        var connection = reused ?? await SeedAsync(users, keys, alerts);
        Console.WriteLine(reused is null ? $"   seeded in {seed.Elapsed.TotalSeconds:F0} s" : "   reusing the database seeded by an earlier run");

        // A console on this database has the key rotation policy's work to do first: the seed backdates keys up to 300 days,
        // and every key past the policy's 90 days gets a successor, in the product's daily job. Measured beside it, each
        // batch re-ran the key checks (session 9's 1.3 s time to red). The bench lets the job finish first and says so.
        await SettleKeyRotationAsync(connection, work);

        // The chain check builds on the full verification that the job audit-chain-verification records every 30 minutes
        // (ADR 0130). A database seeded, or last served, longer ago than that has none fresh enough: the job records one first.
        await RecordChainVerificationAsync(connection, work);

        // The evaluator's timing of every check (debug level) goes into console.log.
        await using var server = await BenchServer.StartAsync(connection, Path.Combine(work, "console.log"),
            "--Logging:LogLevel:SecurityConsole.Server.Compliance.ComplianceEvaluator=Debug",
            "--Logging:LogLevel:SecurityConsole.Server.Compliance.ComplianceRunner=Debug");
        var (client, cookies) = await server.SignInAsync("admin@bench.example");
        // A full evaluation on a loaded machine can outlast HttpClient's 100 s: this client, with the same cookies, waits.
        using var slow = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
        slow.DefaultRequestHeaders.Add(ApiConventions.CsrfHeader, ApiConventions.CsrfHeaderValue);
        // The start evaluates everything once; wait for it so that what follows measures steady state.
        await WaitAsync(connection, "SELECT count(*) FROM compliance_control_states", n => n > 20);
        var seedHistory = true;
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            seedHistory = reused is null || long.Parse(await ComplianceSeed.ScalarAsync(c, "SELECT count(*) FROM compliance_evidence"), System.Globalization.CultureInfo.InvariantCulture) < 1000;
        }
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            var controls = new List<string>();
            await using (var cmd = new NpgsqlCommand("SELECT \"ControlId\" FROM compliance_control_states", c))
            await using (var r = await cmd.ExecuteReaderAsync())
            {
                while (await r.ReadAsync())
                {
                    controls.Add(r.GetString(0));
                }
            }
            if (seedHistory)
            {
                await ComplianceSeed.HistoryAsync(c, controls, days);
            }
            await ComplianceSeed.ExecAsync(c, "ANALYZE compliance_evidence");
        }

        Console.WriteLine($"== full evaluation (3 runs); load {Load()}");
        for (var run = 1; run <= 3; run++)
        {
            var before = server.Memory();
            var watch = Stopwatch.StartNew();
            using var response = await slow.PostAsync("api/v1/compliance/evaluate", null);
            response.EnsureSuccessStatusCode();
            var elapsed = watch.Elapsed;
            var after = server.Memory();
            Console.WriteLine($"   run {run}: {elapsed.TotalSeconds:F2} s; resident {before.RssMb:F0} → {after.RssMb:F0} MB (high-water {before.HwmMb:F0} → {after.HwmMb:F0} MB, growth {after.HwmMb - before.RssMb:F0} MB); load {Load()}");
        }

        Console.WriteLine($"== time to red ({flips} flips: lock the owner of live keys → orphaned-keys fails; unlock → passes); load {Load()}");
        await using var hub = server.Hub(cookies.GetCookieHeader(server.BaseAddress));
        var changes = new ConcurrentQueue<(ComplianceChange Change, long At)>();
        var arrived = new SemaphoreSlim(0);
        hub.On<ComplianceChange>(HubMethods.ComplianceChanged, change =>
        {
            if (change.Control == "orphaned-keys")
            {
                changes.Enqueue((change, Stopwatch.GetTimestamp()));
                arrived.Release();
            }
        });
        await hub.StartAsync();
        var latencies = new List<double>();
        for (var i = 0; i < flips; i++)
        {
            var lockIt = i % 2 == 0;
            while (changes.TryDequeue(out _))
            {
            }
            using var response = await client.PostAsync($"api/v1/users/bench-user-1/{(lockIt ? "lock" : "unlock")}", null);
            response.EnsureSuccessStatusCode();
            var at = Stopwatch.GetTimestamp();
            if (!await arrived.WaitAsync(TimeSpan.FromSeconds(60)) || !changes.TryDequeue(out var change))
            {
                Console.WriteLine($"   flip {i}: no change within 60 s");
                continue;
            }
            latencies.Add(Stopwatch.GetElapsedTime(at, change.At).TotalMilliseconds);
            Console.WriteLine($"   flip {i}: {(lockIt ? "lock" : "unlock")} → {change.Change.Status} after {latencies[^1]:F0} ms");
        }
        latencies.Sort();
        Console.WriteLine($"   2xx → complianceChanged (ms): p50 {BenchArgs.Quantile(latencies, 0.5):F0}  p95 {BenchArgs.Quantile(latencies, 0.95):F0}  max {(latencies.Count > 0 ? latencies[^1] : double.NaN):F0}  (n = {latencies.Count} of {flips}); load {Load()}");

        Console.WriteLine($"== evidence pack: PCI DSS over {days} days; load {Load()}");
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-days).ToString("O"));
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"));
        var packWatch = Stopwatch.StartNew();
        var pack = await slow.GetByteArrayAsync($"api/v1/compliance/frameworks/pci-dss/pack?from={from}&to={to}");
        var packTime = packWatch.Elapsed;
        packWatch.Restart();
        using var verify = await slow.PostAsync("api/v1/compliance/packs/verify", new ByteArrayContent(pack));
        var verdict = await verify.Content.ReadFromJsonAsync<EvidencePackVerification>();
        Console.WriteLine($"   pack: {packTime.TotalSeconds:F1} s, {pack.Length / 1024.0 / 1024:F1} MB, {verdict?.Files} files; verify: {packWatch.Elapsed.TotalSeconds:F1} s, intact {verdict?.Intact}; load {Load()}");
        Console.WriteLine($"== end {BenchArgs.Stamp()}");
        return 0;
    }

    /// <summary>
    /// Makes sure a full verification of the chain recorded by the product's job (audit-chain-verification) is at most 40
    /// minutes old, as it is on any console that has been running: if there is none, a console is started for that alone
    /// with the job scheduled once, three minutes ahead (Jobs:Schedules, ADR 0111), and stopped once the job has recorded
    /// its outcome.
    /// The measured console then starts as operators restart one. Said in the output, with what it cost.
    /// </summary>
    private static async Task RecordChainVerificationAsync(string connection, string work)
    {
        const string Fresh = """
            SELECT count(*) FROM audit_entries WHERE "Action" = 'audit.chain_verified' AND "ActorType" = 'system'
              AND "ActorId" = 'audit-chain-verification' AND "Time" > now() - interval '40 minutes'
            """;
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            if (long.Parse(await ComplianceSeed.ScalarAsync(c, Fresh), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                Console.WriteLine("   a full chain verification recorded by the job within the last 40 minutes exists: no extra start");
                return;
            }
        }
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"   no full chain verification recorded within 40 minutes: a console of its own runs the job audit-chain-verification first; load {Load()}");
        // Once, three minutes from now (time to start), not every minute: an occurrence left queued or running when that
        // console stops would be taken up by the measured one and verify the whole chain during the measurement.
        var at = DateTime.UtcNow.AddMinutes(3);
        await using (await BenchServer.StartAsync(connection, Path.Combine(work, "console-chain-verification.log"), $"--Jobs:Schedules:audit-chain-verification={at.Minute} {at.Hour} * * *"))
        {
            await WaitAsync(connection, Fresh, n => n > 0);
        }
        Console.WriteLine($"   recorded by the job and that console stopped after {watch.Elapsed.TotalSeconds:F0} s; load {Load()}");
    }

    /// <summary>
    /// Makes sure no key is left due for rotation under the default key policy (production 90 days, staging 180) and no run
    /// of the job key-rotation-policy is queued or under way: else a console of its own runs the job (the run a stopped
    /// console left queued, which Hangfire hands to the next console, or one scheduled three minutes ahead) and is stopped
    /// once nothing is due. The measured console then starts with no rotation to do. Said in the output, with what it cost.
    /// </summary>
    private static async Task SettleKeyRotationAsync(string connection, string work)
    {
        const string Due = """
            SELECT count(*) FROM api_keys WHERE "RevokedAt" IS NULL AND "SuccessorId" IS NULL AND ("ExpiresAt" IS NULL OR "ExpiresAt" > now())
              AND (("Environment" = 'production' AND "CreatedAt" < now() - interval '90 days')
                OR ("Environment" = 'staging' AND "CreatedAt" < now() - interval '180 days'))
            """;
        const string Queued = """
            SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%KeyRotationPolicyJob%' AND statename IN ('Enqueued', 'Processing')
            """;
        long due, queued, keys;
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            due = long.Parse(await ComplianceSeed.ScalarAsync(c, Due), System.Globalization.CultureInfo.InvariantCulture);
            queued = long.Parse(await ComplianceSeed.ScalarAsync(c, Queued), System.Globalization.CultureInfo.InvariantCulture);
            keys = long.Parse(await ComplianceSeed.ScalarAsync(c, "SELECT count(*) FROM api_keys"), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (due == 0 && queued == 0)
        {
            Console.WriteLine($"   no key due for rotation and no rotation queued ({keys:N0} keys): nothing to settle");
            return;
        }
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"   {due:N0} of {keys:N0} keys due for rotation, {queued} rotation run(s) queued or under way: a console of its own runs the job key-rotation-policy first; load {Load()}");
        var at = DateTime.UtcNow.AddMinutes(3);
        string[] args = queued > 0 ? [] : [$"--Jobs:Schedules:key-rotation-policy={at.Minute} {at.Hour} * * *"];
        await using (await BenchServer.StartAsync(connection, Path.Combine(work, "console-key-rotation.log"), args))
        {
            await using var c = new NpgsqlConnection(connection);
            await c.OpenAsync();
            while (true)
            {
                due = long.Parse(await ComplianceSeed.ScalarAsync(c, Due), System.Globalization.CultureInfo.InvariantCulture);
                queued = long.Parse(await ComplianceSeed.ScalarAsync(c, Queued), System.Globalization.CultureInfo.InvariantCulture);
                if (due == 0 && queued == 0)
                {
                    break;
                }
                if (watch.Elapsed > TimeSpan.FromHours(2))
                {
                    throw new TimeoutException($"key rotation not settled after 2 hours: {due} due, {queued} queued");
                }
                await Task.Delay(2000);
            }
            keys = long.Parse(await ComplianceSeed.ScalarAsync(c, "SELECT count(*) FROM api_keys"), System.Globalization.CultureInfo.InvariantCulture);
        }
        Console.WriteLine($"   rotation done and that console stopped after {watch.Elapsed.TotalSeconds:F0} s: {keys:N0} keys now (successors waiting for pick-up included); load {Load()}");
    }

    /// <summary>The seeded database on CONSOLE_BENCH_PG, or null when there is none to reuse.</summary>
    private static async Task<string?> SeededAsync()
    {
        if (Environment.GetEnvironmentVariable("CONSOLE_BENCH_PG") is not { Length: > 0 } server)
        {
            throw new InvalidOperationException("--reuse needs CONSOLE_BENCH_PG: the server whose database a previous run seeded");
        }
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = "compliance_bench" }.ConnectionString;
        try
        {
            await using var c = new NpgsqlConnection(connection);
            await c.OpenAsync();
            return await ComplianceSeed.ScalarAsync(c, "SELECT count(*) FROM \"AspNetUsers\" WHERE \"Email\" = 'admin@bench.example'") == "1" ? connection : null;
        }
        catch (PostgresException)
        {
            return null;
        }
    }

    private static async Task<string> SeedAsync(int users, int keys, int alerts)
    {
        string connection;
        await using (var trail = await SeededTrail.StartAsync("compliance_bench"))
        {
            connection = trail.Console.DataSource.ConnectionString;
        }
        await BenchServer.CreateUserAsync(connection, "admin@bench.example", "Admin");
        await BenchServer.CreateUserAsync(connection, "template@bench.example", "Developer");
        await BenchServer.CommandAsync(connection, null, "admin", "create-token", "--email", "template@bench.example", "--scopes", "keys:verify", "--name", "template");
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await ComplianceSeed.UsersAndKeysAsync(c, users, keys);
        await ComplianceSeed.AlertsAsync(c, alerts);
        await ComplianceSeed.ExecAsync(c, "ANALYZE");
        return connection;
    }

    private static string Load() => File.ReadAllText("/proc/loadavg")[..14];

    private static async Task WaitAsync(string connection, string sql, Func<long, bool> done)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromMinutes(10))
        {
            await using var cmd = new NpgsqlCommand(sql, c);
            if (done(Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)))
            {
                return;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException(sql);
    }
}
