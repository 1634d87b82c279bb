using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Keys;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Server.Tests.Detection;
using SecurityConsole.Server.Tests.Keys;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Users;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>Access review campaigns: revokes go through the role change and key revoke; a finished campaign satisfies the check.</summary>
public abstract class AccessReviewTests(SharedConsole console)
{
    private static async Task<AccessReviewDetail> DetailAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<AccessReviewDetail>($"/api/v1/compliance/access-reviews/{id}?pageSize=500", Ct))!;

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client, Guid review, long item, string decision, string? reason = null, params string[] roles) =>
        client.PostAsJsonAsync($"/api/v1/compliance/access-reviews/{review}/items/{item}/decision",
            new AccessReviewDecision(decision, roles.Length == 0 ? null : roles, reason), Ct);

    [Fact]
    public async Task ARevokeGoesThroughTheRoleChangeAndKeyRevokeAndFinishingTheCampaignSatisfiesTheAccessReviewCheck()
    {
        await using var factory = await console.CreateFreshAsync();
        var leadEmail = $"lead-{Guid.NewGuid():N}@example.test";
        var lead = await factory.SignedInClientAsync(Roles.Admin, leadEmail);
        var second = await factory.SignedInClientAsync(Roles.Admin);
        var (developerId, _) = await factory.UserAsync(Roles.Developer);
        var (approverId, _) = await factory.UserAsync(Roles.Approver);
        var key = await factory.KeyAsync(developerId);
        // Nobody has reviewed access for longer than the review period.
        await factory.DbAsync(db => db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, DateTimeOffset.UtcNow.AddDays(-400)), Ct));
        // (An evaluation that races the runner's may be dropped as stale: ask again until the change is seen.)
        await Eventually.HoldsAsync("access review due", async () =>
        {
            (await lead.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
            var due = await lead.ControlAsync("access-review");
            return (due.Status == S.Fail, string.Join("; ", due.Checks.SelectMany(c => c.Rows).Select(r => r.Reason)));
        });

        var started = await lead.PostAsJsonAsync("/api/v1/compliance/access-reviews", new StartAccessReviewRequest("H2 review"), Ct);
        await started.AssertStatusAsync(HttpStatusCode.Created);
        var review = (await started.Content.ReadFromJsonAsync<AccessReviewSummary>(Ct))!;
        await (await lead.PostAsJsonAsync("/api/v1/compliance/access-reviews", new StartAccessReviewRequest("another"), Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        var items = (await DetailAsync(lead, review.Id)).Items;
        var developerItem = items.Single(i => i.Kind == AccessReviewKinds.User && i.ResourceId == developerId);
        Assert.Equal([Roles.Developer], developerItem.Grants);
        var keyItem = items.Single(i => i.Kind == AccessReviewKinds.Key && i.ResourceId == key.Id.ToString());
        var leadItem = items.Single(i => i.Kind == AccessReviewKinds.User && i.Label == leadEmail);

        // Revoking the developer's role goes through the role change: the user has no role left, and it is audited.
        await (await DecideAsync(lead, review.Id, developerItem.Id, AccessReviewDecisions.Revoke, "Left the payments team")).AssertStatusAsync(HttpStatusCode.OK);
        var users = (await lead.GetFromJsonAsync<List<UserSummary>>("/api/v1/users", Ct))!;
        Assert.Empty(users.Single(u => u.Id == developerId).Roles);
        Assert.True(await factory.DbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "user.roles_changed" && e.TargetId == developerId, Ct)));
        // Revoking the key goes through the key revoke: it stops working.
        await (await DecideAsync(lead, review.Id, keyItem.Id, AccessReviewDecisions.Revoke, "Service retired")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(await factory.DbAsync(db => db.ApiKeys.AnyAsync(k => k.Id == key.Id && k.RevokedAt != null, Ct)));
        // Deciding twice, confirming one's own access, a revoke without a reason, roles not under review: refused.
        await (await DecideAsync(lead, review.Id, keyItem.Id, AccessReviewDecisions.Confirm)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await DecideAsync(lead, review.Id, leadItem.Id, AccessReviewDecisions.Confirm)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var noReason = await DecideAsync(lead, review.Id, leadItem.Id, AccessReviewDecisions.Revoke);
        Assert.NotEmpty((await noReason.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("reason"));
        var approverItem = items.Single(i => i.ResourceId == approverId);
        var wrongRole = await DecideAsync(lead, review.Id, approverItem.Id, AccessReviewDecisions.Revoke, "x", Roles.Admin);
        Assert.NotEmpty((await wrongRole.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("roles"));
        var auditor = await factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await DecideAsync(auditor, review.Id, approverItem.Id, AccessReviewDecisions.Confirm)).StatusCode);

        // Not finished while anything is undecided.
        await (await lead.PostAsync($"/api/v1/compliance/access-reviews/{review.Id}/finish", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await DecideAsync(second, review.Id, leadItem.Id, AccessReviewDecisions.Confirm)).AssertStatusAsync(HttpStatusCode.OK);
        foreach (var item in (await lead.GetFromJsonAsync<AccessReviewDetail>($"/api/v1/compliance/access-reviews/{review.Id}?undecided=true&pageSize=500", Ct))!.Items)
        {
            // The second admin's own account is confirmed by the lead, and the other way round.
            var ok = await DecideAsync(lead, review.Id, item.Id, AccessReviewDecisions.Confirm);
            if (ok.StatusCode == HttpStatusCode.Forbidden)
            {
                ok = await DecideAsync(second, review.Id, item.Id, AccessReviewDecisions.Confirm);
            }
            await ok.AssertStatusAsync(HttpStatusCode.OK);
        }
        var finished = await lead.PostAsync($"/api/v1/compliance/access-reviews/{review.Id}/finish", null, Ct);
        await finished.AssertStatusAsync(HttpStatusCode.OK);
        var summary = (await finished.Content.ReadFromJsonAsync<AccessReviewSummary>(Ct))!;
        Assert.NotNull(summary.FinishedAt);
        Assert.Equal(2, summary.Revoked);
        var evidence = (await lead.GetFromJsonAsync<EvidenceVerification>($"/api/v1/compliance/evidence/{summary.Evidence}/verify", Ct))!;
        Assert.True(evidence.Intact, evidence.Verdict);

        // The finish alone re-runs the check: no evaluate call.
        await Eventually.HoldsAsync("access-review control passing", async () =>
        {
            var c = await lead.ControlAsync("access-review");
            return (c.Status == S.Pass, c.Status);
        }, TimeSpan.FromSeconds(30));
        var decided = await factory.DbAsync(db => db.AuditEntries.CountAsync(e => e.Action == "compliance.access_review_decided" && e.TargetId == review.Id.ToString(), Ct));
        Assert.Equal(items.Count, decided);
        Assert.Contains((await lead.GetFromJsonAsync<List<AccessReviewSummary>>("/api/v1/compliance/access-reviews", Ct))!, r => r.Id == review.Id && r.FinishedAt != null);

        // People read as people, as the audit trail names them for the reader: the e-mail for a reader with pii:read (the
        // lead, an Admin); the masked e-mail and the person's stable tag for one without (an Auditor), never the user id.
        Assert.Equal(leadEmail, summary.StartedByName);
        Assert.Equal(leadEmail, summary.FinishedByName);
        var asLead = await DetailAsync(lead, review.Id);
        Assert.Equal(leadEmail, asLead.Items.Single(i => i.Id == developerItem.Id).DecidedByName);
        var asAuditor = await DetailAsync(auditor, review.Id);
        var maskedLead = asAuditor.Items.Single(i => i.Id == developerItem.Id).DecidedByName;
        Assert.Matches(@"^l\*\*\*@example\.test #[0-9a-f]{8}$", maskedLead);
        Assert.Equal(maskedLead, asAuditor.Summary.StartedByName);
        Assert.Equal(maskedLead, (await auditor.GetFromJsonAsync<List<AccessReviewSummary>>("/api/v1/compliance/access-reviews", Ct))!.Single(r => r.Id == review.Id).FinishedByName);
        var startedEntry = (await auditor.GetFromJsonAsync<AuditPage>("/api/v1/audit?action=compliance.access_review_started&limit=500", AuditTestKit.Json, Ct))!.Items
            .Single(e => e.TargetId == review.Id.ToString());
        Assert.Equal(startedEntry.ActorName, maskedLead);
        // The people under review are masked for the auditor too; keys are the company's and read as they are.
        Assert.DoesNotContain(asAuditor.Items, i => i.Kind == AccessReviewKinds.User && i.Label.Contains(leadEmail, StringComparison.Ordinal));
        Assert.Matches(@"\*\*\*@example\.test #[0-9a-f]{8}$", asAuditor.Items.Single(i => i.Id == leadItem.Id).Label);
        Assert.Equal(keyItem.Label, asAuditor.Items.Single(i => i.Id == keyItem.Id).Label);
    }

    [Fact]
    public async Task AKeyRevokeWhoseDecisionRollsBackRevokesNothingAndTellsNobody()
    {
        var failing = new FailingDecisionSave();
        await using var factory = await console.CreateFreshAsync();
        factory.ServiceOverrides = services => services.AddSingleton<IInterceptor>(failing);
        var lead = await factory.SignedInClientAsync(Roles.Admin);
        var (_, key) = await factory.IssuedKeyAsync();
        var verifier = await factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);
        var started = await lead.PostAsJsonAsync("/api/v1/compliance/access-reviews", new StartAccessReviewRequest("rollback"), Ct);
        await started.AssertStatusAsync(HttpStatusCode.Created);
        var review = (await started.Content.ReadFromJsonAsync<AccessReviewSummary>(Ct))!;
        var keyItem = (await DetailAsync(lead, review.Id)).Items.Single(i => i.Kind == AccessReviewKinds.Key && i.ResourceId == key.Id.ToString());

        // The key revoke succeeds inside the decision's transaction; saving the decision then fails, as when another
        // reviewer decided the same item a moment before, and the whole transaction rolls back.
        failing.Armed = true;
        await (await DecideAsync(lead, review.Id, keyItem.Id, AccessReviewDecisions.Revoke, "Service retired")).AssertProblemAsync(HttpStatusCode.Conflict);
        failing.Armed = false;
        var rolledBackBy = DateTimeOffset.UtcNow;
        Assert.Equal(1, failing.Refused);
        Assert.False(await factory.DbAsync(db => db.ApiKeys.AnyAsync(k => k.Id == key.Id && k.RevokedAt != null, Ct)));
        Assert.Null((await DetailAsync(lead, review.Id)).Items.Single(i => i.Id == keyItem.Id).Decision);
        // No node was told to drop or refuse the key: it still verifies.
        Assert.True((await verifier.VerifyAsync(key.Secret)).Valid);

        // Decided again, the revoke commits: the key stops working, and its one key.revoked event is this commit's.
        await (await DecideAsync(lead, review.Id, keyItem.Id, AccessReviewDecisions.Revoke, "Service retired")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(KeyVerifyReasons.Revoked, (await verifier.VerifyAsync(key.Secret)).Reason);
        var analyst = await factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var prefix = KeyFormat.DisplayPrefix(key.Secret);
        var events = await Eventually.ReadAsync("the committed revocation's security event",
            async () => (await analyst.GetFromJsonAsync<EventPage>($"{DetectionTestKit.Events}?keyPrefix={prefix}&type={SecurityEventTypes.KeyRevoked}", Ct))!,
            page => page.Items.Count > 0, page => $"{page.Items.Count} events");
        var only = Assert.Single(events.Items);
        Assert.True(only.Time >= rolledBackBy.AddSeconds(-1), $"The event of {only.Time:O} is older than the rolled-back decision ({rolledBackBy:O}).");
    }

    /// <summary>Fails the save of an access review decision to revoke while armed, as a concurrent decision would.</summary>
    private sealed class FailingDecisionSave : SaveChangesInterceptor
    {
        public volatile bool Armed;
        public int Refused;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
        {
            if (Armed && eventData.Context!.ChangeTracker.Entries<AccessReviewItem>().Any(e => e.State == EntityState.Modified && e.Entity.Decision == AccessReviewDecisions.Revoke))
            {
                Interlocked.Increment(ref Refused);
                throw new DbUpdateConcurrencyException("Another reviewer decided this item (test).");
            }
            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task OnlyManagersStartReviewsAndBadInputIsRefusedByField()
    {
        var auditor = await console.Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync("/api/v1/compliance/access-reviews", new StartAccessReviewRequest("x"), Ct)).StatusCode);
        var admin = await console.Factory.SignedInClientAsync(Roles.Admin);
        var bad = await admin.PostAsJsonAsync("/api/v1/compliance/access-reviews", new StartAccessReviewRequest(""), Ct);
        Assert.NotEmpty((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("name"));
        var page = await admin.GetAsync($"/api/v1/compliance/access-reviews/{Guid.NewGuid()}?pageSize=5000", Ct);
        Assert.NotEmpty((await page.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("pageSize"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/compliance/access-reviews/{Guid.NewGuid()}", Ct)).StatusCode);
        var decision = await admin.PostAsJsonAsync($"/api/v1/compliance/access-reviews/{Guid.NewGuid()}/items/1/decision", new { decision = "maybe" }, Ct);
        Assert.NotEmpty((await decision.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("decision"));
    }
}

public sealed class SqliteAccessReviewTests(SqliteConsole console) : AccessReviewTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresAccessReviewTests(PostgresConsole console) : AccessReviewTests(console), IClassFixture<PostgresConsole>;
