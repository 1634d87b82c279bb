using System.Net;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <remarks>
/// One console per class for the masking and permission tests; the erasure test makes Jane an account and erases her,
/// which the masking test's invitation of her would meet, so it starts a console of its own.
/// </remarks>
public abstract class AuditPersonalDataTests(SharedConsole console)
{
    private const string Jane = "jane.doe@example.test";

    protected ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task PersonalDataIsMaskedWithoutPiiReadAndARevealIsItselfAudited()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        await InviteJaneAsync(admin);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);

        var masked = Assert.Single((await auditor.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=user.invited", Json, Ct))!.Items);
        Assert.Equal(PersonalDataState.Masked, masked.PersonalState);
        Assert.Equal("j***@example.test", masked.Personal!["email"]);
        Assert.DoesNotContain(Jane, await auditor.GetStringAsync($"/api/v1/audit/{masked.Sequence}", Ct));
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync($"/api/v1/audit/{masked.Sequence}?reveal=true", Ct)).StatusCode);

        await Factory.RecordAsync(new Actor(ActorTypes.User, "someone", "10.20.30.40"),
            (new AuditEvent(AuditCategories.Access, "ip.test", Data: new { email = "ip.person@example.test", attempt = 1 }), null));
        var withIp = Assert.Single((await auditor.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=ip.test", Json, Ct))!.Items);
        Assert.Equal("10.20.*.*", withIp.SourceIp);
        Assert.Equal("i***@example.test", withIp.Personal!["email"]);
        Assert.Equal(1, withIp.Data!.Value.GetProperty("attempt").GetInt32());
        var ipRevealed = await admin.GetFromJsonAsync<AuditEntryView>($"/api/v1/audit/{withIp.Sequence}?reveal=true", Json, Ct);
        Assert.Equal("10.20.30.40", ipRevealed!.SourceIp);

        var revealed = await admin.GetFromJsonAsync<AuditEntryView>($"/api/v1/audit/{masked.Sequence}?reveal=true", Json, Ct);
        Assert.Equal(PersonalDataState.Revealed, revealed!.PersonalState);
        Assert.Equal(Jane, revealed.Personal!["email"]);
        var reveals = await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=audit.pii_revealed", Json, Ct);
        Assert.Equal([masked.Sequence.ToString(), withIp.Sequence.ToString()], reveals!.Items.Select(i => i.TargetId ?? "").ToArray());

        // Stored encrypted: the address is nowhere in the table as text.
        var raw = await Factory.WithDbAsync(db => Task.FromResult(db.AuditEntries.Select(e => (e.Data ?? "") + (e.Personal ?? "")).ToList()));
        Assert.DoesNotContain(raw, r => r.Contains("jane.doe", StringComparison.Ordinal));
        Assert.DoesNotContain("jane.doe", Factory.Logs.All, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("10.20.30.40", Factory.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErasureMakesTheSubjectsDataUnreadableEverywhereAndTheChainStillVerifies()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var janeId = await factory.CreateUserAsync(Jane, Roles.Developer);
        await InviteJaneAsync(admin, "jane.other@example.test");
        var bySubject = await admin.GetFromJsonAsync<AuditPage>($"/api/v1/audit?subject={janeId}", Json, Ct);
        Assert.NotEmpty(bySubject!.Items);

        var erased = await admin.PostAsJsonAsync("/api/v1/audit/erasure", new ErasureRequest(janeId, null, "GDPR Art. 17 request #42"), Ct);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var result = await erased.Content.ReadFromJsonAsync<ErasureResult>(Json, Ct);
        Assert.True(result!.SubjectKeysDestroyed >= 1);

        var entry = await admin.GetFromJsonAsync<AuditEntryView>($"/api/v1/audit/{bySubject.Items[0].Sequence}?reveal=true", Json, Ct);
        Assert.Equal(PersonalDataState.Erased, entry!.PersonalState);
        Assert.Equal("[erased]", entry.Personal!["personal"]);
        var export = await admin.GetStringAsync("/api/v1/audit/export?format=json", Ct);
        Assert.DoesNotContain(Jane, export);
        Assert.Contains("a person whose audit data was erased #", export);
        Assert.Contains("jane.other@example.test", export);

        var verify = await admin.VerifyAsync();
        Assert.True(verify.Intact, verify.Detail);
        Assert.DoesNotContain(Jane, factory.Logs.All, StringComparison.OrdinalIgnoreCase);
        var audited = await admin.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=audit.subject_erased", Json, Ct);
        Assert.Single(audited!.Items);
    }

    [Fact]
    public async Task ErasureNeedsAuditManage()
    {
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        var response = await auditor.PostAsJsonAsync("/api/v1/audit/erasure", new ErasureRequest(null, Jane, "because"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static async Task InviteJaneAsync(HttpClient admin, string email = Jane)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/users/invitations", new InviteUserRequest(email, [Roles.Auditor]), Ct);
        if (email == Jane && response.StatusCode == HttpStatusCode.BadRequest)
        {
            return;
        }
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}

public sealed class SqlitePersonalDataTests(SqliteConsole console) : AuditPersonalDataTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresPersonalDataTests(PostgresConsole console) : AuditPersonalDataTests(console), IClassFixture<PostgresConsole>;
