using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>A run's life after it is asked for: cancelled by its owner, its artifact removed at the end of its retention.</summary>
public abstract class ReportLifecycleTests : IAsyncLifetime
{
    protected ConsoleFactory Factory { get; private set; } = null!;

    protected abstract Task<ConsoleFactory> CreateFactoryAsync();

    public async ValueTask InitializeAsync() => Factory = await CreateFactoryAsync();

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    [Fact]
    public async Task AQueuedRunCancelledByItsOwnerSaysSoAndASecondCancelIsAConflict()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var id = await auditor.StartAsync(AuditExtract());
        var other = await Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/reports/runs/{id}/cancel", null, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await auditor.PostAsync($"/api/v1/reports/runs/{id}/cancel", null, Ct)).StatusCode);
        var run = (await auditor.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{id}", Json, Ct))!;
        Assert.Equal(ReportRunStatuses.Cancelled, run.Status);
        Assert.Contains("Cancelled by its owner", run.FailureReason);
        Assert.Null(run.Artifact);

        // The worker that picks it up later leaves it as it is.
        Assert.Equal(ReportRunStatuses.Cancelled, (await Factory.RunNowAsync(auditor, id)).Status);
        await (await auditor.PostAsync($"/api/v1/reports/runs/{id}/cancel", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var cancelled = (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.cancelled", Json, Ct))!.Items;
        Assert.Contains(cancelled, e => e.TargetId == id.ToString());
    }

    [Fact]
    public async Task AnArtifactPastItsRetentionIsDeletedByTheJobWhileTheRunAndItsAuditEntryStay()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var kept = await Factory.StartAndRunAsync(auditor, AuditExtract(format: ReportFormats.Csv));
        var expiring = await Factory.StartAndRunAsync(auditor, AuditExtract(format: ReportFormats.Csv));
        Assert.True(kept.Artifact!.ExpiresAt > DateTimeOffset.UtcNow.AddDays(30));
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var artifact = await db.Set<ReportArtifact>().SingleAsync(a => a.RunId == expiring.Id, Ct);
            artifact.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync(Ct);
        }
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<ReportRetentionJob>().RunAsync(Ct));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/v1/reports/runs/{expiring.Id}/download", Ct)).StatusCode);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            // Its stored pieces went with it (ADR 0185); the kept one's are there.
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            Assert.Equal(0, await db.Set<ReportArtifactChunk>().CountAsync(c => c.RunId == expiring.Id, Ct));
            Assert.NotEqual(0, await db.Set<ReportArtifactChunk>().CountAsync(c => c.RunId == kept.Id, Ct));
        }
        var run = (await auditor.GetFromJsonAsync<ReportRunView>($"/api/v1/reports/runs/{expiring.Id}", Json, Ct))!;
        Assert.Equal(ReportRunStatuses.Succeeded, run.Status);
        Assert.Null(run.Artifact);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/reports/runs/{kept.Id}/download", Ct)).StatusCode);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        Assert.NotEmpty((await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.artifacts_expired", Json, Ct))!.Items);
        Assert.Contains((await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.generated", Json, Ct))!.Items, e => e.TargetId == expiring.Id.ToString());
    }
}

public sealed class SqliteReportLifecycleTests : ReportLifecycleTests
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => Task.FromResult(ConsoleFactory.Sqlite(extra: AuditTestKit.NoJobServer));
}

public sealed class PostgresReportLifecycleTests(PostgresServer postgres) : ReportLifecycleTests
{
    protected override async Task<ConsoleFactory> CreateFactoryAsync()
    {
        if (postgres.Unavailable is { } why)
        {
            TestEnvironment.SkipOrFail(why);
        }
        return await ConsoleFactory.PostgresAsync(postgres, extra: AuditTestKit.NoJobServer);
    }
}

/// <summary>Where Chromium is not installed: a PDF request answers with one sentence naming the package; HTML and CSV still work.</summary>
public sealed class ReportWithoutChromiumTests : IAsyncLifetime
{
    private ConsoleFactory _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = ConsoleFactory.Sqlite(extra: new Dictionary<string, string?>(AuditTestKit.NoJobServer) { ["Reports:ChromiumPath"] = "/nonexistent/chromium" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task APdfRequestNamesThePackageToInstallAndHtmlAndCsvStillWork()
    {
        var auditor = await _factory.SignedInClientAsync(Roles.Auditor);
        var pdf = await auditor.PostAsJsonAsync("/api/v1/reports/runs", AuditExtract(format: ReportFormats.Pdf), Ct);
        var problem = await pdf.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("install the Debian package 'chromium'", problem.GetProperty("detail").GetString());
        Assert.Equal("format", problem.GetProperty("field").GetString());

        Assert.NotNull((await _factory.StartAndRunAsync(auditor, AuditExtract(format: ReportFormats.Html))).Artifact);
        Assert.NotNull((await _factory.StartAndRunAsync(auditor, AuditExtract(format: ReportFormats.Csv))).Artifact);
    }
}
