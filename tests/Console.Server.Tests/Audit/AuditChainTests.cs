using System.Net;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <summary>The chain on both providers: appended in the caller's transaction, and every kind of tampering named exactly.</summary>
/// <remarks>
/// Each test that tampers with the chain (or breaks audit writes) gets a console of its own, <see cref="Factory"/>, which
/// starts only when the test first uses it. The tests that leave the chain intact share the class's console,
/// <see cref="Intact"/>.
/// </remarks>
public abstract class AuditChainTests(SharedConsole console) : IAsyncLifetime
{
    protected ConsoleFactory Factory { get; private set; } = null!;

    private ConsoleFactory Intact => console.Factory;

    protected abstract Task<ConsoleFactory> CreateFactoryAsync();

    public async ValueTask InitializeAsync() => Factory = await CreateFactoryAsync();

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();

    protected abstract string FailAuditInsertsSql { get; }

    [Fact]
    public async Task ChangesMadeThroughTheApiAreChainedAndTheChainVerifies()
    {
        var admin = await Intact.SignedInClientAsync(Roles.Admin);
        var invite = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest("new.person@example.test", [Roles.Auditor]), Ct);
        Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
        await Intact.RecordAsync(20);

        var result = await admin.VerifyAsync();

        Assert.True(result.Intact, result.Detail);
        Assert.Equal(1, result.FirstSequence);
        Assert.True(result.HeadSequence >= 23);
        Assert.Equal(result.HeadSequence, result.Checked);
    }

    [Fact]
    public async Task AFailingAuditWriteRollsBackTheChangeItRecords()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var before = await admin.VerifyAsync();
        await Factory.SqlAsync(FailAuditInsertsSql);

        var invite = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest("never.invited@example.test", [Roles.Auditor]), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, invite.StatusCode);
        var invitations = await admin.GetFromJsonAsync<List<InvitationSummary>>("/api/v1/users/invitations", Ct);
        Assert.DoesNotContain(invitations!, i => i.Email == "never.invited@example.test");
        var after = await admin.VerifyAsync();
        Assert.True(after.Intact, after.Detail);
        Assert.Equal(before.HeadSequence, after.HeadSequence);
    }

    [Fact]
    public async Task AnEditedEntryIsReportedAsAltered()
    {
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync($"""UPDATE audit_entries SET "Action" = 'nothing.to.see' WHERE "Sequence" = {seqs[4]}""");

        var result = await (await Factory.SignedInClientAsync(Roles.Auditor)).VerifyAsync();

        AssertBroken(result, seqs[4], ChainProblem.Altered);
    }

    [Fact]
    public async Task AnEntryRewrittenWithItsOwnHashIsReportedAsAltered()
    {
        var seqs = await Factory.RecordAsync(10);
        // Rewrite the hash too, as someone who knows the algorithm would: the next entry's link gives it away.
        await Factory.SqlAsync($"""UPDATE audit_entries SET "Hash" = (SELECT "Hash" FROM audit_entries WHERE "Sequence" = {seqs[0]}) WHERE "Sequence" = {seqs[6]}""");

        var result = await (await Factory.SignedInClientAsync(Roles.Auditor)).VerifyAsync();

        AssertBroken(result, seqs[6], ChainProblem.Altered);
    }

    [Fact]
    public async Task ADeletedEntryIsReportedAsRemoved()
    {
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync($"""DELETE FROM audit_entries WHERE "Sequence" = {seqs[3]}""");

        var result = await (await Factory.SignedInClientAsync(Roles.Auditor)).VerifyAsync();

        AssertBroken(result, seqs[3], ChainProblem.Removed);
    }

    [Fact]
    public async Task ADeletionHiddenByRenumberingIsReportedAsRemoved()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync($"""
            DELETE FROM audit_entries WHERE "Sequence" = {seqs[3]};
            UPDATE audit_entries SET "Sequence" = -"Sequence" + 1 WHERE "Sequence" > {seqs[3]};
            UPDATE audit_entries SET "Sequence" = -"Sequence" WHERE "Sequence" < 0;
            UPDATE audit_chain_head SET "LastSequence" = "LastSequence" - 1;
            """);

        var result = await client.VerifyAsync();

        AssertBroken(result, seqs[3], ChainProblem.Removed);
    }

    [Fact]
    public async Task AnEntryMovedFarIsReportedAsReordered()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync(SwapSql(seqs[2], seqs[7]));

        var result = await client.VerifyAsync();

        AssertBroken(result, seqs[2], ChainProblem.Reordered);
    }

    [Fact]
    public async Task DeletingTheNewestEntriesIsReportedAsRemoved()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync($"""DELETE FROM audit_entries WHERE "Sequence" >= {seqs[8]}""");

        var result = await client.VerifyAsync();

        AssertBroken(result, seqs[8], ChainProblem.Removed);
    }

    [Fact]
    public async Task AnEntryAddedAfterTheHeadIsReportedAsInserted()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(5);
        // After whatever is newest: the console may have appended an entry of its own since.
        await Factory.SqlAsync(CopySql(seqs[2], """(SELECT MAX("Sequence") + 1 FROM audit_entries)""", "forged.entry"));
        var forged = await Factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == "forged.entry").Select(e => e.Sequence).SingleAsync(Ct));
        Assert.True(forged > seqs[^1]);

        var result = await client.VerifyAsync();

        AssertBroken(result, forged, ChainProblem.Inserted);
    }

    [Fact]
    public async Task AnEntrySplicedIntoTheMiddleIsReportedAsInserted()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync(SpliceSql(seqs[5]));

        var result = await client.VerifyAsync();

        AssertBroken(result, seqs[5], ChainProblem.Inserted);
    }

    [Fact]
    public async Task TwoSwappedEntriesAreReportedAsReordered()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(10);
        await Factory.SqlAsync(SwapSql(seqs[6], seqs[7]));

        var result = await client.VerifyAsync();

        AssertBroken(result, seqs[6], ChainProblem.Reordered);
    }

    [Fact]
    public async Task TheChainVerifiesInChunksAndAChunkFindsTheBreakInsideIt()
    {
        var client = await Factory.SignedInClientAsync(Roles.Auditor);
        var seqs = await Factory.RecordAsync(30);
        var head = (await client.VerifyAsync()).HeadSequence;
        long checkedTotal = 0;
        for (long from = 1; from <= head; from += 7)
        {
            var chunk = await client.VerifyAsync(from, Math.Min(from + 6, head));
            Assert.True(chunk.Intact, chunk.Detail);
            checkedTotal += chunk.Checked;
        }
        Assert.Equal(head, checkedTotal);

        await Factory.SqlAsync($"""UPDATE audit_entries SET "Outcome" = 'failure' WHERE "Sequence" = {seqs[20]}""");
        AssertBroken(await client.VerifyAsync(seqs[18], seqs[25]), seqs[20], ChainProblem.Altered);
        Assert.True((await client.VerifyAsync(seqs[21], seqs[25])).Intact);
    }

    [Fact]
    public async Task VerifyRejectsABackwardsRange()
    {
        var client = await Intact.SignedInClientAsync(Roles.Auditor);
        var response = await client.PostAsJsonAsync("/api/v1/audit/verify", new VerifyRequest(10, 5), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("toSequence", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task VerifyingNeedsAuditRead()
    {
        var developer = await Intact.SignedInClientAsync(Roles.Developer);
        var response = await developer.PostAsJsonAsync("/api/v1/audit/verify", new VerifyRequest(), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static void AssertBroken(VerifyResult result, long sequence, ChainProblem problem)
    {
        Assert.False(result.Intact);
        Assert.True(sequence == result.BrokenSequence && problem == result.Problem,
            $"expected {problem} at {sequence}, got {result.Problem} at {result.BrokenSequence}: {result.Detail}");
    }
}

public sealed class SqliteAuditChainTests(SqliteConsole console) : AuditChainTests(console), IClassFixture<SqliteConsole>
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => Task.FromResult(ConsoleFactory.Sqlite());

    protected override string FailAuditInsertsSql =>
        "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit store unavailable'); END;";
}

public sealed class PostgresAuditChainTests(PostgresConsole console, PostgresServer postgres) : AuditChainTests(console), IClassFixture<PostgresConsole>
{
    protected override Task<ConsoleFactory> CreateFactoryAsync() => ConsoleFactory.PostgresAsync(postgres);

    protected override string FailAuditInsertsSql => """
        CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$;
        CREATE TRIGGER fail_audit BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION fail_audit();
        """;
}
