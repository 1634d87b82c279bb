using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Compliance;
using SecurityConsole.Server.Compliance.Checks;
using SecurityConsole.Server.Tests.Audit;
using SecurityConsole.Server.Tests.Security;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Server.Tests.Compliance;

/// <summary>The compliance API end to end: live flips, audit and alert, errors apart, the overview, frameworks as data, evidence.</summary>
public abstract class ComplianceApiTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task AnAdminTurningTwoFactorOffFlipsTheControlWritesTheAuditEntryAndRaisesTheAlert()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInWithTwoFactorAsync(Roles.Admin);
        await Eventually.HoldsAsync("two-factor control passing", async () =>
        {
            var c = await admin.ControlAsync("two-factor-privileged");
            return (c.Status == S.Pass, c.Status);
        });

        // The admin turns their own two-factor off through the account page.
        var token = await ConsoleClients.AntiforgeryTokenAsync(admin, "/Account/Manage/Disable2fa");
        var off = await admin.PostAsync("/Account/Manage/Disable2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "disable-2fa",
        }), Ct);
        Assert.True(off.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, off.StatusCode.ToString());

        // No evaluate call: the committed change alone re-runs the check.
        await Eventually.HoldsAsync("two-factor control failing", async () =>
        {
            var c = await admin.ControlAsync("two-factor-privileged");
            return (c.Status == S.Fail, c.Status);
        }, TimeSpan.FromSeconds(30));
        var control = await admin.ControlAsync("two-factor-privileged");
        var row = Assert.Single(control.Checks.Single().Rows, r => r.Status == S.Fail);
        Assert.Contains("two-factor turned off", row.Reason);
        Assert.Equal("user", row.ResourceType);

        // The page reads the stored check result at once; the change of the control is recorded just after, in its own
        // transaction with its evidence, audit entry and alert.
        await Eventually.ReadAsync("the change recorded in the audit trail",
            () => factory.DbAsync(db => db.AuditEntries
                .Where(e => e.Action == "compliance.status_changed" && e.TargetId == "two-factor-privileged").OrderBy(e => e.Sequence).Select(e => e.Data).ToListAsync(Ct)),
            entries => entries.Any(d => d!.Contains("\"status\":\"fail\"") && d.Contains("\"previous\":\"pass\"")),
            entries => string.Join("\n", entries));
        var alerts = await admin.GetFromJsonAsync<AlertPage>("/api/v1/alerts?rule=compliance", Ct);
        var alert = Assert.Single(alerts!.Items, a => a.EntityId == "two-factor-privileged");
        Assert.Equal(AlertSeverities.High, alert.Severity);
        Assert.Contains("Two-factor on every privileged account", alert.Title);
    }

    [Fact]
    public async Task ABaselineRaisesNoAlertATurnForTheWorseRaisesOneAndPassingAgainClosesIt()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInWithTwoFactorAsync(Roles.Admin);
        await Eventually.HoldsAsync("lock-out control evaluated", async () =>
        {
            var c = await admin.ControlAsync("lockout-settings");
            return (c.Status == S.Pass, c.Status);
        });
        // A new console's first evaluation is its baseline: on the compliance pages, not in the analysts' feed.
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        Assert.Empty((await admin.GetFromJsonAsync<AlertPage>("/api/v1/alerts?rule=compliance", Ct))!.Items);

        // The policy tightens below what the console runs with (5 failures): the control fails and the feed says so.
        var parameters = (await admin.GetFromJsonAsync<ComplianceParameters>("/api/v1/compliance/parameters", Ct))!;
        (await admin.PutAsJsonAsync("/api/v1/compliance/parameters", parameters with { MaxFailedAttempts = 3 }, Ct)).EnsureSuccessStatusCode();
        const string LockoutAlerts = "/api/v1/alerts?rule=compliance&entityKind=control&entity=lockout-settings";
        var raised = (await Eventually.ReadAsync("the lock-out alert", async () => (await admin.GetFromJsonAsync<AlertPage>(LockoutAlerts, Ct))!.Items,
            items => items.Count == 1 && items[0].Status == AlertStatuses.Open, items => string.Join(", ", items.Select(a => a.Status)), TimeSpan.FromSeconds(30)))[0];
        Assert.Equal(AlertSeverities.High, raised.Severity);
        Assert.Contains("Lock-out", raised.Title);

        // Back within the policy: the control passes again and closes its own alert, audited, raising no new one.
        (await admin.PutAsJsonAsync("/api/v1/compliance/parameters", parameters, Ct)).EnsureSuccessStatusCode();
        var closed = (await Eventually.ReadAsync("the lock-out alert resolved", async () => (await admin.GetFromJsonAsync<AlertPage>(LockoutAlerts, Ct))!.Items,
            items => items.Count == 1 && items[0].Status == AlertStatuses.Resolved, items => string.Join(", ", items.Select(a => a.Status)), TimeSpan.FromSeconds(30)))[0];
        Assert.Equal(raised.Id, closed.Id);
        Assert.True(await factory.DbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "alert.resolved" && e.TargetId == raised.Id.ToString(), Ct)));
        Assert.Single((await admin.GetFromJsonAsync<AlertPage>("/api/v1/alerts?rule=compliance", Ct))!.Items);
    }

    [Fact]
    public async Task TheOverviewGivesEachEnabledFrameworkItsPassRateAndCoverageAndDisablingOneIsAudited()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        var overview = (await admin.GetFromJsonAsync<ComplianceOverview>("/api/v1/compliance?days=14", Ct))!;
        Assert.Equal(ComplianceScope.Statement, overview.Scope);
        var pci = Assert.Single(overview.Frameworks, f => f.Id == "pci-dss");
        Assert.InRange(pci.AutomatedCoverage, 0.01, 1);
        Assert.True(pci.Automated < pci.Assessable, "manual requirements keep coverage below 100%");
        Assert.Equal(14, pci.Trend.Count);
        Assert.Equal(pci.Assessable, pci.Counts.Values.Sum());
        Assert.Equal(pci.Evaluated, pci.Counts.Where(c => S.IsEvaluated(c.Key)).Sum(c => c.Value));
        Assert.NotNull(pci.PassRate);
        Assert.Equal((double)pci.Passing / pci.Evaluated, pci.PassRate!.Value, 6);
        Assert.True(S.Rank(pci.FailingFirst[0].Status) >= S.Rank(pci.FailingFirst[^1].Status));
        Assert.Contains(pci.Heatmap, h => h.Family == "8");

        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PutAsJsonAsync("/api/v1/compliance/frameworks/gdpr", new SetFrameworkEnabledRequest(false), Ct)).StatusCode);
        var bad = await admin.PutAsJsonAsync("/api/v1/compliance/frameworks/gdpr", new { enabled = (bool?)null }, Ct);
        Assert.NotEmpty((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("enabled"));
        Assert.NotEmpty((await (await admin.GetAsync("/api/v1/compliance?days=0", Ct)).AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("days"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/v1/compliance/frameworks/iso", new SetFrameworkEnabledRequest(false), Ct)).StatusCode);
        try
        {
            (await admin.PutAsJsonAsync("/api/v1/compliance/frameworks/gdpr", new SetFrameworkEnabledRequest(false), Ct)).EnsureSuccessStatusCode();
            var after = (await admin.GetFromJsonAsync<ComplianceOverview>("/api/v1/compliance", Ct))!;
            Assert.DoesNotContain(after.Frameworks, f => f.Id == "gdpr");
            Assert.True(await Factory.DbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "compliance.framework_disabled" && e.TargetId == "gdpr", Ct)));
        }
        finally
        {
            (await admin.PutAsJsonAsync("/api/v1/compliance/frameworks/gdpr", new SetFrameworkEnabledRequest(true), Ct)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task ARequirementLeadsToItsControlsAndTheirFailingRowsWithLinks()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        await Factory.UserAsync(Roles.Admin);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        var detail = (await admin.GetFromJsonAsync<RequirementDetail>($"/api/v1/compliance/frameworks/pci-dss/requirements/{Uri.EscapeDataString("8.4.1")}", Ct))!;
        Assert.Equal(S.Fail, detail.Requirement.Status);
        var control = Assert.Single(detail.Controls);
        Assert.Equal("two-factor-privileged", control.Id);
        Assert.All(control.Checks.Single().Rows.Where(r => r.Status == S.Fail), r => Assert.Equal("/admin/users", r.Link));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/compliance/frameworks/pci-dss/requirements/99.99", Ct)).StatusCode);
        var hipaa = (await admin.GetFromJsonAsync<RequirementDetail>($"/api/v1/compliance/frameworks/hipaa/requirements/{Uri.EscapeDataString("164.312(d)")}", Ct))!;
        Assert.Contains(hipaa.Controls, c => c.Id == "two-factor-privileged");
    }

    [Fact]
    public async Task ACheckThatThrowsShowsErrorApartWithItsLastGoodResultAndIsNeverAPass()
    {
        var fail = false;
        await using var factory = await console.CreateFreshAsync();
        var real = ComplianceFeature.BuiltInChecks.Single(c => c.Id == "password-length");
        factory.ServiceOverrides = services => services.AddSingleton(real with
        {
            Evaluate = (c, ct) => fail ? throw new InvalidOperationException("injected fault") : real.Evaluate(c, ct),
        });
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(S.Pass, (await admin.ControlAsync("password-length")).Status);

        fail = true;
        var changes = await (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).Content.ReadFromJsonAsync<List<ComplianceChange>>(Ct);
        Assert.Contains(changes!, c => c.Control == "password-length" && c.Status == S.Error && c.PreviousStatus == S.Pass);
        var control = await admin.ControlAsync("password-length");
        Assert.Equal(S.Error, control.Status);
        var check = control.Checks.Single();
        Assert.Contains("injected fault", check.Error);
        Assert.Equal(S.Pass, check.LastGoodStatus);
        Assert.NotNull(check.LastGoodAt);
        Assert.Contains(factory.Logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("password-length") && l.Contains("injected fault"));
        var pci = (await admin.GetFromJsonAsync<FrameworkDetail>("/api/v1/compliance/frameworks/pci-dss", Ct))!;
        Assert.Equal(S.Error, pci.Requirements.Single(r => r.Id == "8.3.6").Status);
        Assert.True(pci.Summary.Counts[S.Error] >= 1);
        Assert.Equal(pci.Summary.Passing, pci.Requirements.Count(r => r.Assessable && S.IsPassing(r.Status)));
    }

    [Fact]
    public async Task TheRunningIdentitySettingsAreCheckedAsTheyAre()
    {
        // As shipped the console meets its own checks: 15-minute idle sessions, a 30-minute lock-out, passwords of 12.
        Assert.Equal(S.Pass, (await Factory.RowsAsync("idle-session-timeout")).Single().Status);
        Assert.Equal(S.Pass, (await Factory.RowsAsync("lockout-settings")).Single().Status);
        Assert.Equal(S.Pass, (await Factory.RowsAsync("password-length")).Single().Status);

        // Loosened through configuration, each shows as failing with the value it runs with.
        await using var factory = await console.CreateFreshAsync(extra: new Dictionary<string, string?>
        {
            ["Sessions:IdleMinutes"] = "480",
            ["Sessions:LockoutMinutes"] = "15",
        });
        factory.ServiceOverrides = services => services.Configure<IdentityOptions>(o => o.Password.RequiredLength = 8);
        _ = factory.Server;
        var idle = (await factory.RowsAsync("idle-session-timeout")).Single();
        Assert.Equal(S.Fail, idle.Status);
        Assert.Contains("480 minutes", idle.Reason);
        var lockout = (await factory.RowsAsync("lockout-settings")).Single();
        Assert.Equal(S.Fail, lockout.Status);
        Assert.Contains("15 minutes", lockout.Reason);
        Assert.Equal(S.Fail, (await factory.RowsAsync("password-length")).Single().Status);
    }

    [Fact]
    public async Task EvidenceVerifiesUntilAByteChangesAndATamperedChainFailsItsCheck()
    {
        await using var factory = await console.CreateFreshAsync();
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        var id = await factory.DbAsync(db => db.ComplianceEvidence.OrderBy(e => e.Id).Select(e => e.Id).FirstAsync(Ct));
        var ok = (await admin.GetFromJsonAsync<EvidenceVerification>($"/api/v1/compliance/evidence/{id}/verify", Ct))!;
        Assert.True(ok.Intact, ok.Verdict);
        Assert.NotNull(ok.AuditSequence);

        await factory.DbAsync(db => db.ComplianceEvidence.Where(e => e.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Payload, e => e.Payload.Replace("\"status\":", "\"status\": ")), Ct));
        var altered = (await admin.GetFromJsonAsync<EvidenceVerification>($"/api/v1/compliance/evidence/{id}/verify", Ct))!;
        Assert.False(altered.Intact);
        Assert.NotEqual(altered.StoredSha256, altered.ComputedSha256);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/compliance/evidence/999999/verify", Ct)).StatusCode);

        Assert.Equal(S.Pass, (await factory.RowsAsync("audit-chain-verified")).Single().Status);
        await factory.DbAsync(db => db.Database.ExecuteSqlRawAsync("""UPDATE "audit_entries" SET "Action" = 'user.nothing' WHERE "Sequence" = 1""", Ct));
        // Between full verifications the check walks only what was appended after the last one (ADR 0130); the chain
        // verification job's next run walks the whole chain, finds the old entry changed and records it in the trail,
        // which flips the control within seconds with no evaluate call.
        var found = await factory.RunChainVerificationAsync();
        Assert.False(found.Intact);
        Assert.Equal(1, found.BrokenSequence);
        await Eventually.HoldsAsync("the chain control failing", async () =>
        {
            var c = await admin.ControlAsync("audit-chain-intact");
            return (c.Status == S.Fail, c.Status);
        }, TimeSpan.FromSeconds(30));
        var broken = Assert.Single((await admin.ControlAsync("audit-chain-intact")).Checks.Single().Rows);
        Assert.Equal(S.Fail, broken.Status);
        Assert.Contains("broken at entry 1:", broken.Reason);
        Assert.Contains("full verification", broken.Reason);
    }

    [Fact]
    public async Task AfterAStartTheChainCheckVerifiesOnlyWhatWasAppendedSinceTheRecordedFullVerificationAndFindsAChangeThere()
    {
        // No Hangfire server: the job's own schedule firing mid-test would record a newer verification than the one run here.
        await using var factory = await console.CreateFreshAsync(extra: AuditTestKit.NoJobServer);
        await factory.SignedInClientAsync(Roles.Admin);
        // This console's start evaluated everything once; no verification was recorded yet, so its chain check walked the
        // whole chain itself and remembers it. Wait for that, so that it cannot land after the Forget below.
        var memory = factory.Services.GetRequiredService<ChainVerifications>();
        await Eventually.HoldsAsync("the start's own full verification", () => (memory.LastFull is not null, "none yet"));
        await factory.RecordAsync(30);
        var full = await factory.RunChainVerificationAsync();
        Assert.True(full.Intact, full.Detail);
        Assert.True(full.ToSequence > 30);
        // A process that starts now knows of no verification but the recorded one (its own memory is empty).
        memory.Forget();

        var row = (await factory.RowsAsync("audit-chain-verified")).Single();
        var head = await factory.DbAsync(db => db.AuditChainHead.Select(h => h.LastSequence).SingleAsync(Ct));

        Assert.Equal(S.Pass, row.Status);
        Assert.Contains($"Verified entries {full.FromSequence} to {full.ToSequence} in full at", row.Reason);
        Assert.Contains("by the chain verification job", row.Reason);
        // It walked what was appended after the job's verification (the job's own entry, and what the console wrote since),
        // not the chain again from its first entry.
        var appended = long.Parse(System.Text.RegularExpressions.Regex.Match(row.Reason, @"and the (\d+) appended since").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(appended, 1, head - full.ToSequence);
        Assert.Null(memory.LastFull);

        // An entry appended after the verified part that is changed fails the check at its next run.
        var later = await factory.RecordAsync(3);
        await factory.SqlAsync($"""UPDATE "audit_entries" SET "Action" = 'user.nothing' WHERE "Sequence" = {later[1]}""");
        var broken = (await factory.RowsAsync("audit-chain-verified")).Single();
        Assert.Equal(S.Fail, broken.Status);
        Assert.Contains($"entry {later[1]}", broken.Reason);
    }

    [Fact]
    public async Task AnExpiredAttestationTurnsIntoManualDueByItself()
    {
        var admin = await Factory.SignedInClientAsync(Roles.Admin);
        var attested = await admin.PostAsJsonAsync("/api/v1/compliance/controls/incident-response-plan/attestations",
            new AttestRequest("The incident response plan v3 was tested in a tabletop exercise on 2 Dec.", 30), Ct);
        await attested.AssertStatusAsync(HttpStatusCode.Created);
        var attestation = (await attested.Content.ReadFromJsonAsync<AttestationView>(Ct))!;
        var verified = (await admin.GetFromJsonAsync<EvidenceVerification>($"/api/v1/compliance/evidence/{attestation.Evidence}/verify", Ct))!;
        Assert.True(verified.Intact, verified.Verdict);
        (await admin.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(S.ManualValid, (await admin.ControlAsync("incident-response-plan")).Status);

        await Factory.DbAsync(db => db.ComplianceAttestations.Where(a => a.Id == attestation.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ValidUntil, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));
        // The sweep (here called at once) finds the expiry: nobody has to touch the control.
        await Factory.Services.GetRequiredService<ComplianceSweepJob>().RunAsync(Ct);
        Assert.Equal(S.ManualDue, (await admin.ControlAsync("incident-response-plan")).Status);

        var bad = await admin.PostAsJsonAsync("/api/v1/compliance/controls/two-factor-privileged/attestations", new AttestRequest("It is fine", 30), Ct);
        Assert.NotEmpty((await bad.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("control"));
        var tooLong = await admin.PostAsJsonAsync("/api/v1/compliance/controls/incident-response-plan/attestations", new AttestRequest("ok", 5000), Ct);
        Assert.NotEmpty((await tooLong.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("validDays"));
    }

    [Fact]
    public async Task AnExceptionApprovedByItsRequesterIsRefusedAndOnceApprovedByAnotherShowsExceptedUntilItExpires()
    {
        var requester = await Factory.SignedInClientAsync(Roles.Admin);
        var approver = await Factory.SignedInClientAsync(Roles.Admin);
        var key = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(key.Id, k => k.ExpiresAt = null);
        (await requester.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(S.Fail, (await requester.ControlAsync("keys-expire")).Status);

        var created = await requester.PostAsJsonAsync("/api/v1/compliance/exceptions",
            new ExceptionRequest("keys-expire", null, "Legacy payment terminals cannot rotate until March.", DateTimeOffset.UtcNow.AddDays(30)), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var exception = (await created.Content.ReadFromJsonAsync<ExceptionView>(Ct))!;
        var own = await requester.PostAsync($"/api/v1/compliance/exceptions/{exception.Id}/approve", null, Ct);
        await own.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(S.Fail, (await requester.ControlAsync("keys-expire")).Status);
        Assert.True(await Factory.DbAsync(db => db.AuditEntries.AnyAsync(e => e.Action == "compliance.exception_approved" && e.TargetId == exception.Id.ToString() && e.Outcome == "denied", Ct)));

        await (await approver.PostAsync($"/api/v1/compliance/exceptions/{exception.Id}/approve", null, Ct)).AssertStatusAsync(HttpStatusCode.OK);
        (await requester.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(S.Excepted, (await requester.ControlAsync("keys-expire")).Status);
        var pci = (await requester.GetFromJsonAsync<FrameworkDetail>("/api/v1/compliance/frameworks/pci-dss", Ct))!;
        Assert.NotEqual(S.Pass, pci.Requirements.Single(r => r.Id == "8.6.3").Status);

        await Factory.DbAsync(db => db.ComplianceExceptions.Where(e => e.Id == exception.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)), Ct));
        await Factory.Services.GetRequiredService<ComplianceSweepJob>().RunAsync(Ct);
        Assert.Equal(S.Fail, (await requester.ControlAsync("keys-expire")).Status);

        var past = await requester.PostAsJsonAsync("/api/v1/compliance/exceptions", new ExceptionRequest("keys-expire", null, "x", DateTimeOffset.UtcNow.AddDays(-1)), Ct);
        Assert.NotEmpty((await past.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("expiresAt"));
    }

    [Fact]
    public async Task ARejectedExceptionNeverTakesEffectIsAuditedWithItsReasonAndCannotBeDecidedAgain()
    {
        var requester = await Factory.SignedInClientAsync(Roles.Admin);
        var approver = await Factory.SignedInClientAsync(Roles.Admin);
        var key = await Factory.KeyAsync();
        await Factory.UpdateKeyAsync(key.Id, k => k.ExpiresAt = null);
        var created = await requester.PostAsJsonAsync("/api/v1/compliance/exceptions",
            new ExceptionRequest("keys-expire", [key.Display], "The terminal vendor ships rotation in March.", DateTimeOffset.UtcNow.AddDays(30)), Ct);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var exception = (await created.Content.ReadFromJsonAsync<ExceptionView>(Ct))!;

        // A reason is required, and named when missing; an auditor (no compliance:manage) may not decide.
        var noReason = await approver.PostAsJsonAsync($"/api/v1/compliance/exceptions/{exception.Id}/reject", new RejectExceptionRequest(" "), Ct);
        Assert.NotEmpty((await noReason.AssertProblemAsync(HttpStatusCode.BadRequest)).FieldErrors("reason"));
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await auditor.PostAsJsonAsync($"/api/v1/compliance/exceptions/{exception.Id}/reject", new RejectExceptionRequest("no"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await approver.PostAsJsonAsync($"/api/v1/compliance/exceptions/{Guid.NewGuid()}/reject", new RejectExceptionRequest("no"), Ct)).StatusCode);

        var rejected = await approver.PostAsJsonAsync($"/api/v1/compliance/exceptions/{exception.Id}/reject",
            new RejectExceptionRequest("Name a compensating control first."), Ct);
        await rejected.AssertStatusAsync(HttpStatusCode.OK);
        var view = (await rejected.Content.ReadFromJsonAsync<ExceptionView>(Ct))!;
        Assert.Equal(("rejected", "Name a compensating control first."), (view.Status, view.RejectionReason));
        Assert.NotNull(view.RejectedBy);
        var entry = await Factory.DbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == "compliance.exception_rejected" && e.TargetId == exception.Id.ToString(), Ct));
        Assert.Equal("success", entry.Outcome);
        var records = (await requester.GetFromJsonAsync<ControlRecords>("/api/v1/compliance/controls/keys-expire/records", Ct))!;
        Assert.Equal("Name a compensating control first.", records.Exceptions.Single(e => e.Id == exception.Id).RejectionReason);

        // Decided once: neither approved nor rejected again, and the control still fails on the key.
        await (await approver.PostAsync($"/api/v1/compliance/exceptions/{exception.Id}/approve", null, Ct)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await approver.PostAsJsonAsync($"/api/v1/compliance/exceptions/{exception.Id}/reject", new RejectExceptionRequest("again"), Ct))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        await Eventually.HoldsAsync("keys-expire failing on the key the rejected exception named", async () =>
        {
            (await requester.PostAsync("/api/v1/compliance/evaluate", null, Ct)).EnsureSuccessStatusCode();
            var control = await requester.ControlAsync("keys-expire");
            // Key rows are named by the key's display form.
            var row = control.Checks.SelectMany(c => c.Rows).FirstOrDefault(r => r.ResourceId == key.Display);
            return (control.Status == S.Fail && row?.Status == S.Fail, $"{control.Status}, row {row?.Status}");
        });
    }

    [Fact]
    public async Task AFourthFrameworkIsAFileInTheFrameworksFolder()
    {
        var dir = CatalogueLoaderTests.Folder(("soc2.yaml", CatalogueLoaderTests.Soc2));
        await using var factory = await console.CreateFreshAsync(extra: new Dictionary<string, string?> { ["Compliance:FrameworksPath"] = dir });
        var admin = await factory.SignedInClientAsync(Roles.Admin);
        var frameworks = (await admin.GetFromJsonAsync<List<FrameworkState>>("/api/v1/compliance/frameworks", Ct))!;
        Assert.Contains(frameworks, f => f.Id == "soc2" && f.Enabled);
        var detail = (await admin.GetFromJsonAsync<RequirementDetail>("/api/v1/compliance/frameworks/soc2/requirements/CC6.1", Ct))!;
        Assert.Equal("two-factor-privileged", Assert.Single(detail.Controls).Id);
    }

    [Fact]
    public async Task ABadFrameworkFileStopsTheStartNamingItsFileAndLine()
    {
        var dir = CatalogueLoaderTests.Folder(("soc2.yaml", CatalogueLoaderTests.Soc2.Replace("requirement: \"CC6.1\"", "requirement: \"CC6.9\"")));
        await using var factory = await console.CreateFreshAsync(extra: new Dictionary<string, string?> { ["Compliance:FrameworksPath"] = dir });
        // Program prints a start-up failure's sentence to standard error and exits: catch what it prints.
        var printed = new StringWriter();
        var stderr = System.Console.Error;
        System.Console.SetError(printed);
        try
        {
            Assert.ThrowsAny<Exception>(() => factory.Server);
        }
        finally
        {
            System.Console.SetError(stderr);
        }
        Assert.Contains($"{Path.Combine(dir, "soc2.yaml")}:14:", printed.ToString());
        Assert.Contains("'CC6.9'", printed.ToString());
    }
}

public sealed class SqliteComplianceApiTests(SqliteConsole console) : ComplianceApiTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresComplianceApiTests(PostgresConsole console) : ComplianceApiTests(console), IClassFixture<PostgresConsole>;
