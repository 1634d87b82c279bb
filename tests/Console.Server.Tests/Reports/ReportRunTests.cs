using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Reports;
using SecurityConsole.Server.Reports.Runs;
using SecurityConsole.Server.Security;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Reports.ReportKit;

namespace SecurityConsole.Server.Tests.Reports;

/// <summary>
/// One console per class: each test signs in people of its own and reads only its own runs, templates and the entries it
/// names.
/// </summary>
public abstract class ReportRunTests(SharedConsole console)
{
    private const string Jane = "jane.doe@example.test";

    protected ConsoleFactory Factory => console.Factory;

    private Task RecordJaneAsync() => Factory.RecordAsync(new Actor(ActorTypes.User, "someone", null),
        (new AuditEvent(AuditCategories.Admin, "report.fixture", Data: new { email = Jane, attempt = 1 }), null));

    [Fact]
    public async Task AnAuditExtractMasksPersonalDataUnlessTheOwnerHoldsPiiReadAndTheChainVouchesForIt()
    {
        await RecordJaneAsync();
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var masked = await Factory.StartAndRunAsync(auditor, AuditExtract(action: "report.fixture"));
        Assert.Equal([ReportStages.Querying, ReportStages.Rendering], masked.Stages.Select(s => s.Stage).ToArray());
        Assert.Equal(1, masked.Version);
        Assert.NotNull(masked.Watermark);
        var html = await auditor.GetStringAsync($"/api/v1/reports/runs/{masked.Id}/download", Ct);
        Assert.Contains("email=j***@example.test", html);
        Assert.DoesNotContain(Jane, html);

        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var clear = await Factory.StartAndRunAsync(admin, AuditExtract(action: "report.fixture"));
        Assert.Contains($"email={Jane}", await admin.GetStringAsync($"/api/v1/reports/runs/{clear.Id}/download", Ct));

        // Someone else's run is not there for this caller.
        Assert.Equal(HttpStatusCode.NotFound, (await auditor.GetAsync($"/api/v1/reports/runs/{clear.Id}", Ct)).StatusCode);

        var verify = await auditor.GetFromJsonAsync<ReportVerifyResult>($"/api/v1/reports/runs/{masked.Id}/verify", Json, Ct);
        Assert.True(verify!.Intact, verify.Detail);
        var generated = (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.generated", Json, Ct))!.Items;
        Assert.Contains(generated, e => e.TargetId == masked.Id.ToString() && e.Sequence == verify.AuditSequence);
        var downloaded = (await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report.downloaded", Json, Ct))!.Items;
        Assert.Contains(downloaded, e => e.TargetId == masked.Id.ToString());
    }

    [Fact]
    public async Task VerifyFindsAChangedArtifact()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var run = await Factory.StartAndRunAsync(auditor, AuditExtract(format: ReportFormats.Csv));
        // The stored bytes (ADR 0185: in pieces) changed behind the console's back.
        await Factory.SqlAsync($"UPDATE report_artifact_chunks SET \"Data\" = {(Factory.Provider == SecurityConsole.Server.Common.DatabaseProvider.Postgres ? "'\\x00'::bytea" : "X'00'")} WHERE \"RunId\" = '{(Factory.Provider == SecurityConsole.Server.Common.DatabaseProvider.Postgres ? run.Id.ToString() : run.Id.ToString().ToUpperInvariant())}' AND \"Index\" = 0");
        var verify = await auditor.GetFromJsonAsync<ReportVerifyResult>($"/api/v1/reports/runs/{run.Id}/verify", Json, Ct);
        Assert.False(verify!.Intact);
        Assert.Contains("changed", verify.Detail);
        Assert.NotEqual(verify.RecordedSha256, verify.ActualSha256);
    }

    [Fact]
    public async Task AnArtifactOfSeveralPiecesIsStoredAndSentBackByteForByteAndItsStoredHashStillVouchesForIt()
    {
        // Artifacts are stored in pieces and read back as a stream (ADR 0185); a report run stores a one-piece CSV, so the
        // pieces of a 3.5 MB artifact are written here through the same door, in a transaction as the runner does.
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var run = await Factory.StartAndRunAsync(auditor, AuditExtract(format: ReportFormats.Csv));
        var bytes = new byte[ArtifactContent.ChunkBytes * 3 + ArtifactContent.ChunkBytes / 2 + 1];
        Random.Shared.NextBytes(bytes);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(Ct);
            await db.Set<ReportArtifactChunk>().Where(c => c.RunId == run.Id).ExecuteDeleteAsync(Ct);
            await scope.ServiceProvider.GetRequiredService<ArtifactContent>().WriteAsync(run.Id, bytes, Ct);
            await db.Set<ReportArtifact>().Where(a => a.RunId == run.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Size, bytes.Length), Ct);
            await tx.CommitAsync(Ct);
            Assert.Equal(4, await db.Set<ReportArtifactChunk>().CountAsync(c => c.RunId == run.Id, Ct));
        }

        using var response = await auditor.GetAsync($"/api/v1/reports/runs/{run.Id}/download", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
        // The recorded hash is the CSV's, so these bytes read as changed: the verification hashed all four pieces.
        var verify = await auditor.GetFromJsonAsync<ReportVerifyResult>($"/api/v1/reports/runs/{run.Id}/verify", Json, Ct);
        Assert.False(verify!.Intact);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), verify.ActualSha256);
    }

    [Fact]
    public async Task ReRunningAClosedPeriodGivesTheSameDataHashAndTheSameHtml()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var from = DateTimeOffset.UtcNow.AddDays(-3).ToString("O");
        var to = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        await RecordJaneAsync();
        foreach (var template in new[] { ReportTypes.SecuritySummary, ReportTypes.AuditExtract })
        {
            var request = new { template, format = "html", parameters = new Dictionary<string, string> { ["period"] = "custom", ["from"] = from, ["to"] = to } };
            var first = await Factory.StartAndRunAsync(auditor, request);
            var second = await Factory.StartAndRunAsync(auditor, request);
            Assert.Equal(first.Artifact!.DataSha256, second.Artifact!.DataSha256);
            Assert.Equal(first.Artifact.Sha256, second.Artifact.Sha256);
            Assert.Equal(await auditor.GetStringAsync($"/api/v1/reports/runs/{first.Id}/download", Ct),
                await auditor.GetStringAsync($"/api/v1/reports/runs/{second.Id}/download", Ct));
        }
    }

    [Fact]
    public async Task AnOwnerWhoLostReportsReadGetsAFailedRunThatSaysSo()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.test";
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor, email);
        var id = await auditor.StartAsync(AuditExtract());
        await Factory.TakeRolesAsync(email, Roles.Auditor);
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SecurityConsole.Server.Reports.Runs.ReportRunner>().RunAsync(id, Ct);
        }
        var run = await Factory.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(
            db.Set<SecurityConsole.Server.Reports.ReportRun>(), r => r.Id == id, Ct));
        Assert.Equal(ReportRunStatuses.Failed, run.Status);
        Assert.Equal("The run's owner no longer holds reports:read.", run.FailureReason);
    }

    [Fact]
    public async Task BadInputIsRefusedNamingTheField()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        async Task<string[]> Problem(object body, string field) =>
            (await (await auditor.PostAsJsonAsync("/api/v1/reports/runs", body, Ct)).AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors(field);

        Assert.Contains("Unknown parameter", (await Problem(new { template = "audit-extract", parameters = new Dictionary<string, string> { ["colour"] = "red" } }, "parameters.colour"))[0]);
        Assert.Equal("Must not be before 'from'.", (await Problem(new { template = "audit-extract", parameters = new Dictionary<string, string>
            { ["period"] = "custom", ["from"] = "2026-02-01T00:00:00Z", ["to"] = "2026-01-01T00:00:00Z" } }, "parameters.to"))[0]);
        Assert.Contains("version 7 does not exist", (await Problem(new { template = "security-summary", version = 7 }, "version"))[0]);
        Assert.StartsWith("No such report", (await Problem(new { template = "nonsense" }, "template"))[0]);
        Assert.StartsWith("Must be one of", (await Problem(new { template = "audit-extract", format = "docx" }, "format"))[0]);
        // An access review needs users:manage, which an auditor does not hold.
        Assert.Contains("users:manage", (await Problem(new { template = "access-review" }, "template"))[0]);
    }

    [Fact]
    public async Task CustomTemplatesHaveImmutablePublishedVersionsDiffsAndPinnedRuns()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        const string v1 = "<h1>{{ report.title }}</h1>\n<p>Entries: {{ audit.entry_count }}</p>";
        const string v2 = "<h1>{{ report.title }}</h1>\n<p>Entries (v2): {{ audit.entry_count }}</p>";
        var bad = await auditor.PostAsJsonAsync("/api/v1/reports/templates", new CreateTemplateRequest("Broken", ReportTypes.AuditExtract, "{{ report.title }}\n{% if %}", null), Ct);
        Assert.Contains("Line 2, column", (await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("source")[0]);

        var created = await auditor.PostAsJsonAsync("/api/v1/reports/templates", new CreateTemplateRequest("Entry count", ReportTypes.AuditExtract, v1, "first cut"), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var template = (await created.Content.ReadFromJsonAsync<TemplateView>(Json, Ct))!;
        var id = template.Id;
        var notPublished = await auditor.PostAsJsonAsync("/api/v1/reports/runs", new { template = id.ToString() }, Ct);
        Assert.Contains("no published version", (await notPublished.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("version")[0]);

        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/publish", new PublishTemplateRequest(1, "ready for the quarter"), Ct)).EnsureSuccessStatusCode();
        var edit = await auditor.PutAsJsonAsync($"/api/v1/reports/templates/{id}/versions/1", new SaveDraftRequest(v2, null), Ct);
        await edit.AssertProblemAsync(HttpStatusCode.Conflict);
        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/versions", new SaveDraftRequest(v2, "say which version"), Ct)).EnsureSuccessStatusCode();

        var diff = await auditor.GetFromJsonAsync<TemplateDiff>($"/api/v1/reports/templates/{id}/diff?from=1&to=2", Json, Ct);
        Assert.Equal((1, 1), (diff!.Added, diff.Removed));
        Assert.Contains(diff.Lines, l => l.Kind == "added" && l.Text.Contains("(v2)"));

        var pinnedToOne = await Factory.StartAndRunAsync(auditor, new { template = id.ToString() });
        Assert.Equal(1, pinnedToOne.Version);
        Assert.DoesNotContain("(v2)", await auditor.GetStringAsync($"/api/v1/reports/runs/{pinnedToOne.Id}/download", Ct));
        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/publish", new PublishTemplateRequest(2, "clearer"), Ct)).EnsureSuccessStatusCode();
        var pinnedToTwo = await Factory.StartAndRunAsync(auditor, new { template = id.ToString() });
        Assert.Equal(2, pinnedToTwo.Version);
        Assert.Contains("Entries (v2):", await auditor.GetStringAsync($"/api/v1/reports/runs/{pinnedToTwo.Id}/download", Ct));

        (await auditor.PostAsJsonAsync($"/api/v1/reports/templates/{id}/publish", new PublishTemplateRequest(1, "v2 confused the auditors"), Ct)).EnsureSuccessStatusCode();
        Assert.Equal(1, (await Factory.StartAndRunAsync(auditor, new { template = id.ToString() })).Version);
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var rolledBack = Assert.Single((await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=report_template.rolled_back", Json, Ct))!.Items);
        Assert.Equal("v2 confused the auditors", rolledBack.Data!.Value.GetProperty("why").GetString());
        Assert.Contains("unknown", (await (await auditor.PostAsJsonAsync("/api/v1/reports/runs", new { template = id.ToString(), version = 9 }, Ct))
            .AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("version")[0].Replace("does not exist", "unknown"));
    }
}

public sealed class SqliteReportRunTests(SqliteConsoleWithoutJobs console) : ReportRunTests(console), IClassFixture<SqliteConsoleWithoutJobs>;

public sealed class PostgresReportRunTests(PostgresConsoleWithoutJobs console) : ReportRunTests(console), IClassFixture<PostgresConsoleWithoutJobs>;
