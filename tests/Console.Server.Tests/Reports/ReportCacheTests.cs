using System.Diagnostics;
using System.Net;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Reports.Caching;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Reports.Templates;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>The report cache on one node: a closed period's second run is served from the artifact cache, byte for byte.</summary>
public sealed class ReportCacheTests : IAsyncLifetime
{
    private ConsoleFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = ConsoleFactory.Sqlite(extra: AuditTestKit.NoJobServer);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ASecondRunOfAClosedPeriodIsServedFromTheArtifactCacheAndAnOpenPeriodIsNot()
    {
        var cache = _factory.Services.GetRequiredService<ReportCache>();
        var auditor = await _factory.SignedInClientAsync(Roles.Auditor);
        var closed = AuditExtract(to: DateTimeOffset.UtcNow.AddSeconds(-1));
        var first = await _factory.StartAndRunAsync(auditor, closed);
        var artifactHits = cache.Count(ReportCache.Artifacts, hit: true);
        var parsedMisses = cache.Count(ReportCache.Parsed, hit: false);

        var second = await _factory.StartAndRunAsync(auditor, closed);
        Assert.Equal(artifactHits + 1, cache.Count(ReportCache.Artifacts, hit: true));
        // Served as made: no rendering stage, the same bytes, and the chain vouches for it like any other.
        Assert.Equal([ReportStages.Querying], second.Stages.Select(s => s.Stage).ToArray());
        Assert.Equal(first.Artifact!.Sha256, second.Artifact!.Sha256);
        Assert.Equal(first.Artifact.DataSha256, second.Artifact.DataSha256);
        Assert.True((await auditor.GetFromJsonAsync<ReportVerifyResult>($"/api/v1/reports/runs/{second.Id}/verify", Json, Ct))!.Intact);

        // The same template in another format renders from the cached parse (no second parse of the same source).
        await _factory.StartAndRunAsync(auditor, AuditExtract(to: DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(parsedMisses, cache.Count(ReportCache.Parsed, hit: false));
        Assert.True(cache.Count(ReportCache.Parsed, hit: true) >= 1);

        // An open period is read afresh every time.
        var open = AuditExtract(to: DateTimeOffset.UtcNow.AddHours(1));
        var hits = cache.Count(ReportCache.Artifacts, hit: true);
        var again = await _factory.StartAndRunAsync(auditor, open);
        Assert.Contains(again.Stages, s => s.Stage == ReportStages.Rendering);
        Assert.Equal(hits, cache.Count(ReportCache.Artifacts, hit: true));
    }

    [Fact]
    public async Task ACachedReRunFinishesInItsRequestWithoutTheQueueAndIsStillAuditedAndPinned()
    {
        var auditor = await _factory.SignedInClientAsync(Roles.Auditor);
        var closed = AuditExtract(to: DateTimeOffset.UtcNow.AddSeconds(-1));
        var first = await _factory.StartAndRunAsync(auditor, closed);
        var jobs = _factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var waiting = jobs.EnqueuedCount(ReportRunner.Queue);

        // This console has no job server: a run handed to the queue would stay queued. This one is done before its 202.
        var accepted = await auditor.AcceptedAsync(closed);
        Assert.Equal(ReportRunStatuses.Succeeded, accepted.Status);
        Assert.Equal(waiting, jobs.EnqueuedCount(ReportRunner.Queue));
        var second = (await auditor.GetFromJsonAsync<ReportRunView>(accepted.Location, Json, Ct))!;
        Assert.Equal(ReportRunStatuses.Succeeded, second.Status);
        Assert.Equal([ReportStages.Querying], second.Stages.Select(s => s.Stage).ToArray());
        Assert.True(second.StartedAt is not null && second.FinishedAt >= second.StartedAt, $"started {second.StartedAt}, finished {second.FinishedAt}");
        Assert.NotNull(second.Watermark);
        Assert.Equal(first.RowCount, second.RowCount);
        // It pins the version it was made from, and its artifact is the cached one, byte for byte.
        Assert.Equal(first.Version, second.Version);
        Assert.Equal(first.Artifact!.Sha256, second.Artifact!.Sha256);
        var bytes = await auditor.GetByteArrayAsync($"/api/v1/reports/runs/{second.Id}/download", Ct);
        Assert.Equal(second.Artifact.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        // Audited like any run: asked for, generated (with its version and hash, which the chain vouches for) and downloaded.
        var admin = await _factory.SignedInClientAsync(Roles.Admin);
        async Task<List<AuditEntryView>> EntriesAsync(string action) =>
            [.. (await admin.GetFromJsonAsync<AuditPage>($"/api/v1/audit?action={action}", Json, Ct))!.Items.Where(e => e.TargetId == second.Id.ToString())];
        Assert.Single(await EntriesAsync("report.requested"));
        var generated = Assert.Single(await EntriesAsync("report.generated"));
        Assert.Equal(second.Version, generated.Data!.Value.GetProperty("version").GetInt32());
        Assert.Equal(second.Artifact.Sha256, generated.Data.Value.GetProperty("sha256").GetString());
        Assert.Single(await EntriesAsync("report.downloaded"));
        Assert.True((await auditor.GetFromJsonAsync<ReportVerifyResult>($"/api/v1/reports/runs/{second.Id}/verify", Json, Ct))!.Intact);
    }

    [Fact]
    public async Task ASecuritySummaryPdfAskedForAgainIsDoneInIts202AndItsFileDownloadsAtOnce()
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            TestEnvironment.SkipOrFail("PDF output needs /usr/bin/chromium (apt-get install chromium).");
        }
        // The benchmark's request (bench/reports, issue 13 (b)): the security summary as a PDF, a closed period, asked for twice.
        var admin = await _factory.SignedInClientAsync(Roles.Admin);
        var request = new
        {
            template = ReportTypes.SecuritySummary,
            format = ReportFormats.Pdf,
            parameters = new Dictionary<string, string>
            {
                ["period"] = ReportPeriods.Custom,
                ["from"] = DateTimeOffset.UtcNow.AddDays(-30).ToString("O"),
                ["to"] = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O"),
            },
        };
        var first = await _factory.StartAndRunAsync(admin, request);
        Assert.Contains(first.Stages, s => s.Stage == ReportStages.Pdf);

        // No job server here: what the 202 says is all that happens. It says succeeded, and the file is there to take.
        var accepted = await admin.AcceptedAsync(request);
        Assert.Equal(ReportRunStatuses.Succeeded, accepted.Status);
        using var download = await admin.GetAsync($"/api/v1/reports/runs/{accepted.Id}/download", Ct);
        await download.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        var bytes = await download.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("%PDF-", System.Text.Encoding.ASCII.GetString(bytes, 0, 5));
        Assert.Equal(first.Artifact!.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        var run = (await admin.GetFromJsonAsync<ReportRunView>(accepted.Location, Json, Ct))!;
        Assert.Equal(ReportRunStatuses.Succeeded, run.Status);
        Assert.Equal(first.Version, run.Version);
        Assert.True((await admin.GetFromJsonAsync<ReportVerifyResult>($"/api/v1/reports/runs/{run.Id}/verify", Json, Ct))!.Intact);
    }
}

/// <summary>Two console nodes on one PostgreSQL database and one Redis: a template publish on one reaches the other's cache.</summary>
public sealed class ReportCacheTwoNodeTests(PostgresServer postgres, RedisServer redis, ITestOutputHelper output)
{
    [Fact]
    public async Task APublishOnOneNodeDropsTheOtherNodesCachedVersion()
    {
        if (postgres.Unavailable is { } why)
        {
            TestEnvironment.SkipOrFail(why);
        }
        var connection = redis.ConnectionString; // skips with the reason (fails under CI) when redis-server is missing
        var database = await postgres.CreateMigratedDatabaseAsync();
        await using var first = new ConsoleFactory(DatabaseProvider.Postgres, database, connection);
        await using var second = new ConsoleFactory(DatabaseProvider.Postgres, database, connection);
        var auditor = await first.SignedInClientAsync(Roles.Auditor);
        var created = await auditor.PostAsJsonAsync("/api/v1/reports/templates",
            new CreateTemplateRequest("Two nodes", ReportTypes.AuditExtract, "<h1>{{ report.title }}</h1><p>v1 {{ audit.entry_count }}</p>", "first"), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var id = (await created.Content.ReadFromJsonAsync<TemplateView>(Json, Ct))!.Id;
        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/publish", new PublishTemplateRequest(1, "first"), Ct)).EnsureSuccessStatusCode();

        // The second node reads the published version once and then answers from its cache.
        Assert.Equal(1, await LatestOnAsync(second, id));
        var cache = second.Services.GetRequiredService<ReportCache>();
        var hits = cache.Count(ReportCache.Templates, hit: true);
        Assert.Equal(1, await LatestOnAsync(second, id));
        Assert.Equal(hits + 1, cache.Count(ReportCache.Templates, hit: true));

        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/versions",
            new SaveDraftRequest("<h1>{{ report.title }}</h1><p>v2 {{ audit.entry_count }}</p>", "second"), Ct)).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/publish", new PublishTemplateRequest(2, "second"), Ct)).EnsureSuccessStatusCode();
        // How fast is reported (and is the goal: within a second), never asserted on the clock of a loaded machine.
        var version = await Eventually.ReadAsync("the second node to run version 2", () => LatestOnAsync(second, id), v => v == 2, v => $"version {v}",
            TimeSpan.FromSeconds(30));
        output.WriteLine($"The second node resolved version 2 {clock.Elapsed.TotalMilliseconds:F0} ms after the publish request began.");
        Assert.Equal(2, version);
    }

    private static async Task<int> LatestOnAsync(ConsoleFactory node, Guid template)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var v = new Validator();
        var resolved = await scope.ServiceProvider.GetRequiredService<TemplateStore>().ResolveAsync(template.ToString(), null, v, Ct);
        Assert.True(resolved is not null, string.Join(" ", v.Errors.SelectMany(e => e.Value)));
        return resolved.Version;
    }
}
