using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <summary>
/// An entry's time is when it joined the chain, never earlier than the entry before it; so a time range is a
/// sequence range, which search uses. One console per class: the range test puts entries an hour ahead of the newest
/// and compares with what the database holds, and the back-dating test compares with the entry it has just recorded,
/// so each holds in either order (an entry recorded after the future ones takes their time, which is what the chain
/// promises).
/// </summary>
public abstract class AuditTimeTests(SharedConsole console)
{
    private static readonly Actor Tester = Actor.System("test");

    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnEntryBackDatedBeforeTheEntryAheadOfItTakesThatEntrysTimeAndTheChainStillVerifies()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var ahead = (await Factory.RecordAsync(Tester, (new AuditEvent(AuditCategories.Admin, "time.ahead"), null)))[0];
        var aheadTime = await TimeOfAsync(ahead);

        var backDated = await Factory.RecordAsync(Tester,
            (new AuditEvent(AuditCategories.Admin, "time.back_dated"), aheadTime.AddDays(-1)),
            (new AuditEvent(AuditCategories.Admin, "time.back_dated"), aheadTime.AddDays(-2)));

        // Each takes the time of the entry just ahead of it in the chain: "ahead", or an entry the console itself wrote in
        // between (a compliance evaluation's, on a loaded machine), which is no earlier.
        var joined = await TimeOfAsync(backDated[0] - 1);
        Assert.True(joined >= aheadTime, $"{joined:O} is before {aheadTime:O}");
        Assert.Equal(joined, await TimeOfAsync(backDated[0]));
        Assert.Equal(joined, await TimeOfAsync(backDated[1]));
        var view = await auditor.GetFromJsonAsync<AuditEntryView>($"/api/v1/audit/{backDated[1]}", Json, Ct);
        Assert.Equal(joined, view!.Time);
        // A search for the day it claimed does not find it: it joined the chain later.
        var dayBefore = await auditor.GetFromJsonAsync<AuditPage>(
            $"/api/v1/audit?action=time.back_dated&to={Uri.EscapeDataString(aheadTime.AddHours(-1).ToString("O"))}", Json, Ct);
        Assert.Empty(dayBefore!.Items);

        var result = await auditor.VerifyAsync();
        Assert.True(result.Intact, result.Detail);
        await Factory.AssertTimeNeverGoesBackAsync();
    }

    [Fact]
    public async Task ATimeRangeSearchReturnsExactlyTheEntriesInRangeBoundariesIncludedAcrossPages()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        // An hour after the newest entry, in whole seconds: nothing in the range is clamped, and ISO 8601 round-trips it.
        var last = (await Factory.WithDbAsync(db => db.AuditChainHead.SingleAsync(Ct))).LastTime!.Value;
        var start = new DateTimeOffset(last.UtcTicks - last.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).AddHours(1);
        // Minutes 0..29, three entries at every fifth minute: ties sit on both boundaries of the range below.
        var events = Enumerable.Range(0, 30)
            .SelectMany(m => Enumerable.Repeat(m, m % 5 == 0 ? 3 : 1))
            .Select((m, i) => (new AuditEvent(AuditCategories.Security, "range.event", "thing", $"m{m}-{i}"), (DateTimeOffset?)start.AddMinutes(m)))
            .ToArray();
        var seqs = await Factory.RecordAsync(Tester, events);
        var from = start.AddMinutes(5);
        var to = start.AddMinutes(20);
        var expected = seqs.Where((_, i) => events[i].Item2 >= from && events[i].Item2 <= to).Reverse().ToList();
        Assert.Equal(3 + 4 + 3 + 4 + 3 + 4 + 3, expected.Count);

        var range = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}";
        var seen = new List<long>();
        var pages = 0;
        AuditPage page;
        var url = $"/api/v1/audit?{range}&limit=4";
        do
        {
            page = (await auditor.GetFromJsonAsync<AuditPage>(url, Json, Ct))!;
            seen.AddRange(page.Items.Select(i => i.Sequence));
            Assert.All(page.Items, i => Assert.InRange(i.Time, from, to));
            url = $"/api/v1/audit?{range}&limit=4&before={page.NextBefore}";
            pages++;
        }
        while (page.NextBefore is not null);
        Assert.Equal(expected, seen);
        Assert.Equal(6, pages);

        // Back towards newer entries from the oldest in range: the next four, and no further than the range's end.
        var newer = await auditor.GetFromJsonAsync<AuditPage>($"/api/v1/audit?{range}&limit=4&after={expected[^1]}", Json, Ct);
        Assert.Equal(expected[^5..^1], newer!.Items.Select(i => i.Sequence));
        var newest = await auditor.GetFromJsonAsync<AuditPage>($"/api/v1/audit?{range}&limit=50&after={expected[^1]}", Json, Ct);
        Assert.Equal(expected[..^1], newest!.Items.Select(i => i.Sequence));

        // One end only: from the range's start on, and up to its end (which includes the console's own earlier entries).
        var fromOnly = (await auditor.GetFromJsonAsync<AuditPage>($"/api/v1/audit?from={Uri.EscapeDataString(from.ToString("O"))}&limit=500", Json, Ct))!
            .Items.Select(i => i.Sequence).ToList();
        // Entries the console wrote after these (its own background work, on a loaded machine) joined the chain later, so
        // they are in range too: every one of them, then these.
        var lastOurs = seqs[^1];
        var later = fromOnly.TakeWhile(s => s > lastOurs).ToList();
        var newestSeen = later.Count == 0 ? lastOurs : later[0];
        var writtenLater = await Factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence > lastOurs && e.Sequence <= newestSeen)
            .OrderByDescending(e => e.Sequence).Select(e => e.Sequence).ToListAsync(Ct));
        Assert.Equal(writtenLater, later);
        Assert.Equal(seqs.Where((_, i) => events[i].Item2 >= from).Reverse(), fromOnly.Skip(later.Count));
        var toOnly = await auditor.GetFromJsonAsync<AuditPage>($"/api/v1/audit?to={Uri.EscapeDataString(to.ToString("O"))}&limit=500", Json, Ct);
        var upToEnd = await Factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence <= expected[0]).OrderByDescending(e => e.Sequence)
            .Select(e => e.Sequence).ToListAsync(Ct));
        Assert.Equal(upToEnd, toOnly!.Items.Select(i => i.Sequence));
    }

    private Task<DateTimeOffset> TimeOfAsync(long sequence) =>
        Factory.WithDbAsync(db => db.AuditEntries.Where(e => e.Sequence == sequence).Select(e => e.Time).SingleAsync(Ct));
}

public sealed class SqliteAuditTimeTests(SqliteConsoleWithoutJobs console) : AuditTimeTests(console), IClassFixture<SqliteConsoleWithoutJobs>;

public sealed class PostgresAuditTimeTests(PostgresConsoleWithoutJobs console) : AuditTimeTests(console), IClassFixture<PostgresConsoleWithoutJobs>;
