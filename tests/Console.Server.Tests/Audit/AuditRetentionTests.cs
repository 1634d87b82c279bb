using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <summary>
/// Retention runs "as of" a time years ahead instead of waiting: entries written now are then old.
/// Entries meant to stay young are recorded with times close to that moment.
/// </summary>
public abstract class AuditRetentionTests : IAsyncLifetime
{
    protected ConsoleFactory Factory { get; private set; } = null!;

    private HttpClient _admin = null!;

    private static readonly DateTimeOffset AsOf = DateTimeOffset.UtcNow.AddDays(3000);

    protected abstract Task<ConsoleFactory> CreateFactoryAsync();

    public async ValueTask InitializeAsync()
    {
        Factory = await CreateFactoryAsync();
        _admin = await Factory.SignedInClientAsync(Roles.Admin);
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    [Fact]
    public async Task RetentionDeletesOnlyUpToTheNewestCheckpointAtOrBeforeTheCutAndTheRestStillVerifies()
    {
        await Factory.RecordAsync(5);
        await CheckpointAsync();
        await Factory.RecordAsync(5);
        var kept = await CheckpointAsync();
        var expiredAfterCheckpoint = await Factory.RecordAsync(3, AuditCategories.Security);
        var young = await Factory.RecordAsync(Actor.System("test"), (new AuditEvent(AuditCategories.Security, "young.event"), AsOf.AddDays(-10)));

        var run = await RunRetentionAsync();

        Assert.Equal(kept.Sequence, run.PurgedThrough);
        Assert.Equal(kept.Sequence, run.Deleted);
        var remaining = await Factory.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).FirstAsync(Ct));
        Assert.Equal(kept.Sequence + 1, remaining);
        Assert.True(await ExistsAsync(expiredAfterCheckpoint[0]), "expired entries after the newest checkpoint stay");
        Assert.True(await ExistsAsync(young[0]));

        var result = await _admin.VerifyAsync();
        Assert.True(result.Intact, result.Detail);
        Assert.Equal(kept.Sequence, result.AnchorCheckpoint);
        Assert.Equal(kept.Sequence + 1, result.FirstSequence);
        var applied = await _admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=audit.retention_applied", Json, Ct);
        Assert.Single(applied!.Items);

        // The start of the trail now rests on that checkpoint's signature: break it and verification says so.
        await Factory.SqlAsync($$"""UPDATE audit_checkpoints SET "Time" = (SELECT "Time" FROM audit_checkpoints WHERE "Sequence" < {{kept.Sequence}}) WHERE "Sequence" = {{kept.Sequence}}""");
        var forged = await _admin.VerifyAsync();
        Assert.False(forged.Intact);
        Assert.Equal(kept.Sequence + 1, forged.BrokenSequence);
    }

    [Fact]
    public async Task RetentionNeverDeletesAnythingUnderALegalHold()
    {
        await Factory.RecordAsync(5);
        var checkpoint = await CheckpointAsync();
        var hold = await _admin.PostAsJsonAsync("/api/v1/audit/legal-hold", new LegalHoldRequest("Litigation 2026-17"), Ct);
        Assert.Equal(HttpStatusCode.Created, hold.StatusCode);

        var run = await RunRetentionAsync();

        Assert.Equal(0, run.Deleted);
        Assert.Equal("legal-hold", run.Outcome);
        Assert.True(await ExistsAsync(1));

        var lift = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/audit/legal-hold") { Content = JsonContent.Create(new LegalHoldRequest("Case closed")) };
        Assert.Equal(HttpStatusCode.NoContent, (await _admin.SendAsync(lift, Ct)).StatusCode);
        Assert.Equal(checkpoint.Sequence, (await RunRetentionAsync()).PurgedThrough);
        var placed = await _admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=audit.legal_hold_*", Json, Ct);
        Assert.Equal(["audit.legal_hold_lifted", "audit.legal_hold_placed"], placed!.Items.Select(i => i.Action).ToArray());
    }

    [Fact]
    public async Task RetentionNeverGoesBelowAFloorEvenWhenTheSettingDoes()
    {
        await Factory.RecordAsync(3);
        var first = await CheckpointAsync();
        // 100 days old: past a 10-day setting, inside PCI DSS's 365-day floor.
        var young = await Factory.RecordAsync(Actor.System("test"), (new AuditEvent(AuditCategories.Security, "inside.floor"), AsOf.AddDays(-100)));
        await CheckpointAsync();
        // Written past the API, which would refuse it.
        await Factory.SqlAsync("""UPDATE audit_retention SET "Days" = 10 WHERE "Category" = 'security'""");

        var run = await RunRetentionAsync();

        Assert.Equal(first.Sequence, run.PurgedThrough);
        Assert.True(await ExistsAsync(young[0]));
    }

    [Fact]
    public async Task RetentionDeletesNothingWithoutACheckpoint()
    {
        await Factory.RecordAsync(5);
        var run = await RunRetentionAsync();
        Assert.Equal(0, run.Deleted);
        Assert.True(await ExistsAsync(1));
    }

    [Fact]
    public async Task RetentionShowsFloorsAndRefusesASettingBelowOne()
    {
        var policy = await _admin.GetFromJsonAsync<RetentionPolicy>("/api/v1/audit/retention", Json, Ct);
        var admin = policy!.Categories.Single(c => c.Category == "admin");
        Assert.Equal(2190, admin.FloorDays);
        Assert.Contains(admin.Floors, f => f.Framework.StartsWith("HIPAA", StringComparison.Ordinal));

        var below = await _admin.PutAsJsonAsync("/api/v1/audit/retention",
            new SetRetentionRequest([new RetentionSetting("access", 500), new RetentionSetting("security", 200)]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, below.StatusCode);
        var problem = await below.Content.ReadAsStringAsync(Ct);
        Assert.Contains("categories[1].days", problem);
        Assert.Contains("PCI DSS", problem);

        var ok = await _admin.PutAsJsonAsync("/api/v1/audit/retention", new SetRetentionRequest([new RetentionSetting("security", 800)]), Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var updated = await ok.Content.ReadFromJsonAsync<RetentionPolicy>(Json, Ct);
        Assert.Equal(800, updated!.Categories.Single(c => c.Category == "security").Days);
        var changed = await _admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=audit.retention_changed", Json, Ct);
        Assert.Single(changed!.Items);

        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var denied = await auditor.PutAsJsonAsync("/api/v1/audit/retention", new SetRetentionRequest([new RetentionSetting("security", 800)]), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    private async Task<CheckpointView> CheckpointAsync()
    {
        var response = await _admin.PostAsync("/api/v1/audit/checkpoints", null, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CheckpointView>(Json, Ct))!;
    }

    private async Task<RetentionRun> RunRetentionAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Caller>().ActAs(Actor.System("retention"));
        return await scope.ServiceProvider.GetRequiredService<AuditRetentionJob>().RunAsync(AsOf, Ct);
    }

    private Task<bool> ExistsAsync(long sequence) => Factory.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.Sequence == sequence, Ct));
}

public sealed class SqliteAuditRetentionTests : AuditRetentionTests
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => Task.FromResult(ConsoleFactory.Sqlite(extra: NoJobServer));
}

public sealed class PostgresAuditRetentionTests(PostgresServer postgres) : AuditRetentionTests
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => ConsoleFactory.PostgresAsync(postgres, extra: NoJobServer);
}
