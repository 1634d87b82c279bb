using System.Net;
using Microsoft.AspNetCore.Components.Forms;
using SecurityConsole.Client.Compliance;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Security;
using S = SecurityConsole.Shared.Compliance.ComplianceStatuses;

namespace SecurityConsole.Client.Tests.Compliance;

/// <summary>The control page's effectiveness, attestations, exceptions and files; the access review list and review pages.</summary>
public sealed class ComplianceWorkflowPagesTests : ConsoleTestContext
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Guid Review = Guid.NewGuid();

    public ComplianceWorkflowPagesTests() => SignInWith(Permissions.ComplianceRead, Permissions.ComplianceManage, Permissions.ComplianceAttest);

    private static ControlView Manual() => new("incident-response-plan", "Incident response plan", "A tested plan.", S.ManualDue, false,
        [new("pci-dss", "12.10.1", "equal", "The plan itself.")], []);

    private static AccessReviewSummary Summary(int decided = 1, DateTimeOffset? finished = null) =>
        new(Review, "H2 review", "user-lead", Now.AddDays(-2), finished, finished is null ? null : "user-lead", 3, decided, 0, finished is null ? null : 42,
            StartedByName: "lead@example.test", FinishedByName: finished is null ? null : "lead@example.test");

    private static AccessReviewItemView Item(long id, string kind, string resource, string? decision = null) =>
        new(id, kind, resource, kind == AccessReviewKinds.Key ? $"sc_live_…abcd svc-{id} (production)" : $"{resource}@example.test",
            kind == AccessReviewKinds.Key ? ["keys:verify"] : ["Developer"], decision, [], decision is null ? null : "user-lead", decision is null ? null : Now,
            decision is null ? null : "lead@example.test");

    [Fact]
    public void TheControlPageShowsEffectivenessAndTheRecordsAndApprovesAnotherPersonsExceptionButNotOnesOwn()
    {
        var other = Guid.NewGuid();
        var own = Guid.NewGuid();
        var approved = new List<Guid>();
        Api.ComplianceControl = _ => Task.FromResult(CompliancePagesTests.TwoFactor());
        Api.ControlEffectiveness = id => Task.FromResult(new ControlEffectiveness(id, "Two-factor", Now.AddDays(-90), Now, 91, 91, 91, 1, 0.999,
            [new(S.Fail, Now.AddDays(-10), Now.AddDays(-10).AddHours(2))], "Passing 100% of days (91 of 91); failing 2 h on 14 Aug 2026 (from 10:00 to 12:00 UTC)."));
        Api.ControlRecords = id => Task.FromResult(new ControlRecords(id, [],
        [
            new(other, id, ["user-root"], "Break-glass account kept without a second factor.", "user-bob", Now.AddDays(-1), null, null, Now.AddDays(30), "pending",
                [new EvidenceFileView(7, "vendor-letter.pdf", "application/pdf", 2048, new string('a', 64), 120, Now)]),
            new(own, id, [], "Migration week.", SignedInUserId, Now.AddHours(-1), null, null, Now.AddDays(7), "pending", []),
        ]));
        Api.ApproveException = id =>
        {
            approved.Add(id);
            return Task.FromResult<ExceptionView>(null!);
        };
        var cut = Render<ControlPage>(p => p.Add(x => x.Id, "two-factor-privileged"));

        cut.WaitForAssertion(() => Assert.Contains("failing 2 h on 14 Aug 2026", cut.Find("[data-testid=effectiveness-summary]").TextContent));
        Assert.Single(cut.FindAll("[data-testid=not-passing] tbody tr"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=exception]").Count));
        var file = cut.Find("[data-testid=file]");
        Assert.Contains("vendor-letter.pdf", file.TextContent);
        Assert.Equal("api/v1/compliance/evidence/7/file", file.GetAttribute("href"));
        Assert.Single(cut.FindAll("[data-testid=approve]"));
        Assert.Contains("Waiting for someone else", cut.Find("[data-testid=own-request]").TextContent);

        cut.Find("[data-testid=approve]").Click();
        cut.WaitForAssertion(() => Assert.Equal([other], approved));
    }

    [Fact]
    public void APendingExceptionIsRejectedWithAReasonAndARejectedOneSaysByWhomAndWhy()
    {
        var pending = Guid.NewGuid();
        (Guid Id, string Reason)? sent = null;
        Api.ComplianceControl = _ => Task.FromResult(CompliancePagesTests.TwoFactor());
        Api.ControlRecords = id => Task.FromResult(new ControlRecords(id, [],
        [
            new(pending, id, [], "Break-glass account kept without a second factor.", "user-bob", Now.AddDays(-1), null, null, Now.AddDays(30), "pending", []),
            new(Guid.NewGuid(), id, [], "Migration week.", "user-carol", Now.AddDays(-9), null, null, Now.AddDays(30), "rejected", [],
                "user-dave", Now.AddDays(-8), "No compensating control is named."),
        ]));
        Api.RejectException = (id, request) =>
        {
            sent = (id, request.Reason);
            return Task.FromResult<ExceptionView>(null!);
        };
        var cut = Render<ControlPage>(p => p.Add(x => x.Id, "two-factor-privileged"));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=exception]").Count));
        var rejection = cut.Find("[data-testid=rejection]").TextContent;
        Assert.Contains("Rejected by user-dave", rejection);
        Assert.Contains("No compensating control is named.", rejection);
        Assert.Contains("Rejected", cut.Find("[data-testid=exception][data-status=rejected]").TextContent);
        // Only the pending one can be decided; a reason is needed before the rejection can be sent.
        Assert.Single(cut.FindAll("[data-testid=reject]"));
        cut.Find("[data-testid=reject]").Click();
        Assert.True(cut.Find("[data-testid=reject-confirm]").HasAttribute("disabled"));
        cut.Find("input[data-testid=reject-reason], [data-testid=reject-reason] input").Input("Use the vault's break-glass procedure instead.");
        cut.Find("[data-testid=reject-confirm]").Click();
        cut.WaitForAssertion(() => Assert.Equal((pending, "Use the vault's break-glass procedure instead."), sent));
    }

    [Fact]
    public void AManualControlWithoutRecordsSaysSoAndCanBeAttested()
    {
        AttestRequest? sent = null;
        Api.ComplianceControl = _ => Task.FromResult(Manual());
        Api.Attest = (_, request) =>
        {
            sent = request;
            return Task.FromResult(new AttestationView(Guid.NewGuid(), "incident-response-plan", request.Statement, SignedInUserId, Now, Now.AddDays(request.ValidDays), 1));
        };
        var cut = Render<ControlPage>(p => p.Add(x => x.Id, "incident-response-plan"));

        cut.WaitForAssertion(() => Assert.Contains("No attestations or exceptions", cut.Find("[data-testid=records-empty]").TextContent));
        Assert.Contains("Not evaluated", cut.Find("[data-testid=effectiveness-summary]").TextContent);
        cut.Find("textarea[data-testid=attest-statement], [data-testid=attest-statement] textarea").Change("Plan v4 tested in a tabletop exercise.");
        cut.Find("[data-testid=attest]").Click();
        cut.WaitForAssertion(() => Assert.Equal("Plan v4 tested in a tabletop exercise.", sent?.Statement));
        Assert.Equal(365, sent!.ValidDays);
    }

    [Fact]
    public void RecordsThatCannotBeLoadedSayWhyAndAFileTheServerRefusesShowsItsReason()
    {
        var attestation = Guid.NewGuid();
        var fail = true;
        Api.ComplianceControl = _ => Task.FromResult(Manual());
        Api.ControlRecords = id => fail
            ? throw new ApiException(HttpStatusCode.ServiceUnavailable, "The database is unavailable", null, null)
            : Task.FromResult(new ControlRecords(id, [new(attestation, id, "Plan v4", SignedInUserId, Now, Now.AddDays(30), 1, [])], []));
        Api.AttachFile = (_, _, _, _, _) => throw new ApiException(HttpStatusCode.BadRequest, "Invalid", null,
            new Dictionary<string, string[]> { ["file"] = ["The file is not a PDF: it does not start with %PDF-."] });
        var cut = Render<ControlPage>(p => p.Add(x => x.Id, "incident-response-plan"));

        cut.WaitForAssertion(() => Assert.Contains("could not be loaded", cut.Find("[data-testid=records-error]").TextContent));
        fail = false;
        cut.Find("[data-testid=records-error] button").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=attestation]")));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary([1, 2, 3], "plan.pdf", contentType: "application/pdf"));
        cut.WaitForAssertion(() => Assert.Contains("does not start with %PDF-", cut.Find("[data-testid=attach-message]").TextContent));
    }

    [Fact]
    public void TheAccessReviewListShowsLoadingThenCampaignsWithTheirProgress()
    {
        var answer = new TaskCompletionSource<IReadOnlyList<AccessReviewSummary>>();
        Api.AccessReviews = () => answer.Task;
        var cut = RenderPage<AccessReviewsPage>();
        Assert.NotEmpty(cut.FindAll("[data-testid=reviews-loading]"));

        answer.SetResult([Summary(), Summary(3, Now) with { Id = Guid.NewGuid(), Name = "H1 review" }]);
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=review-link]").Count));
        Assert.Contains("1 of 3 decided", cut.Markup);
        Assert.Contains("Under way", cut.FindAll("[data-testid=review-state]")[0].TextContent);
        Assert.Contains("Finished", cut.FindAll("[data-testid=review-state]")[1].TextContent);
        Assert.Equal($"compliance/access-reviews/{Review}", cut.Find("[data-testid=review-link]").GetAttribute("href"));
        // Who started it reads as the person, not their user id.
        Assert.Contains("by lead@example.test", cut.FindAll("[data-testid=started-by]")[0].TextContent);
        Assert.DoesNotContain("user-lead", cut.Markup);
    }

    [Fact]
    public void AnAccessReviewNamesWhoDecidedAndWhoFinishedAsTheServerNamesThemForTheReader()
    {
        // A reader without pii:read gets people masked with their pseudonym's tag, as in the audit trail; the page shows that.
        SignInWith(Permissions.ComplianceRead);
        var items = new List<AccessReviewItemView>
        {
            Item(1, AccessReviewKinds.User, "user-bob", "confirm") with { Label = "b***@example.test #0c1d2e3f", DecidedByName = "l***@example.test #9a8b7c6d" },
            Item(2, AccessReviewKinds.Key, Guid.NewGuid().ToString(), "revoke") with { Revoked = ["keys:verify"], DecidedByName = "l***@example.test #9a8b7c6d" },
        };
        Api.AccessReview = (_, _, _) => Task.FromResult(new AccessReviewDetail(
            Summary(2, Now) with { FinishedByName = "l***@example.test #9a8b7c6d" }, [.. items], items.Count, 1, 100));
        var cut = Render<AccessReviewPage>(p => p.Add(x => x.Id, Review));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=item]").Count));
        Assert.Contains("by l***@example.test #9a8b7c6d", cut.Find("[data-testid=finished]").TextContent);
        Assert.All(cut.FindAll("[data-testid=decided-by]"), d => Assert.Equal("by l***@example.test #9a8b7c6d", d.TextContent.Trim()));
        Assert.Contains("b***@example.test #0c1d2e3f", cut.FindAll("[data-testid=item]")[0].TextContent);
        Assert.DoesNotContain("user-lead", cut.Markup);
    }

    [Fact]
    public void AnAccessReviewNamesRolesInWordsAndKeyScopesAsTheyAre()
    {
        // A role reads "Security analyst", as on the users page, in the grants and in a revoke's chip; scopes stay identifiers.
        var items = new List<AccessReviewItemView>
        {
            Item(1, AccessReviewKinds.User, "user-ana") with { Grants = [Roles.SecurityAnalyst] },
            Item(2, AccessReviewKinds.User, "user-dev", "revoke") with { Grants = [Roles.Developer, Roles.SecurityAnalyst], Revoked = [Roles.SecurityAnalyst] },
            Item(3, AccessReviewKinds.Key, Guid.NewGuid().ToString()) with { Grants = ["keys:verify", "events:write"] },
        };
        Api.AccessReview = (_, _, _) => Task.FromResult(new AccessReviewDetail(Summary(1), [.. items], items.Count, 1, 100));
        var cut = Render<AccessReviewPage>(p => p.Add(x => x.Id, Review));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=item]").Count));
        var rows = cut.FindAll("[data-testid=item]");
        Assert.Contains("Security analyst", rows[0].TextContent);
        Assert.Contains("Developer, Security analyst", rows[1].TextContent);
        Assert.Contains("Revoked Security analyst", rows[1].TextContent);
        Assert.Contains("keys:verify, events:write", rows[2].TextContent);
        Assert.DoesNotContain("SecurityAnalyst", cut.Markup);
    }

    [Fact]
    public void TheAccessReviewListSaysWhenNoneHasBeenStarted()
    {
        Api.AccessReviews = () => Task.FromResult<IReadOnlyList<AccessReviewSummary>>([]);
        var cut = RenderPage<AccessReviewsPage>();
        cut.WaitForAssertion(() => Assert.Contains("No access review has been started", cut.Find("[data-testid=reviews-empty]").TextContent));
        Assert.NotEmpty(cut.FindAll("[data-testid=start-form]"));
        // The empty state says what to do next: who may start one, and what waits on it.
        Assert.Contains("Name a campaign above and start it", cut.Find("[data-testid=reviews-empty]").TextContent);
    }

    [Fact]
    public void TheAccessReviewListSaysWhyItCouldNotLoadAndAReaderCannotStartOne()
    {
        SignInWith(Permissions.ComplianceRead);
        Api.AccessReviews = () => throw new ApiException(HttpStatusCode.ServiceUnavailable, "The database is unavailable", null, null);
        var cut = RenderPage<AccessReviewsPage>();
        cut.WaitForAssertion(() => Assert.Contains("could not be loaded", cut.Find("[data-testid=reviews-error]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=start-form]"));
    }

    [Fact]
    public void AReviewerConfirmsOthersRevokesOnlyWithAReasonAndFinishesOnceEverythingIsDecided()
    {
        var decisions = new List<(long Item, AccessReviewDecision Decision)>();
        var items = new List<AccessReviewItemView> { Item(1, AccessReviewKinds.User, "user-bob"), Item(2, AccessReviewKinds.Key, Guid.NewGuid().ToString()), Item(3, AccessReviewKinds.User, SignedInUserId, "confirm") };
        Api.AccessReview = (_, _, _) => Task.FromResult(new AccessReviewDetail(Summary(items.Count(i => i.Decision is not null)), [.. items], items.Count, 1, 100));
        Api.DecideAccessReviewItem = (_, item, decision) =>
        {
            decisions.Add((item, decision));
            var i = items.FindIndex(x => x.Id == item);
            items[i] = items[i] with { Decision = decision.Decision };
            return Task.FromResult(items[i]);
        };
        var finished = false;
        Api.FinishAccessReview = _ =>
        {
            finished = true;
            return Task.FromResult(Summary(3, Now));
        };
        var cut = Render<AccessReviewPage>(p => p.Add(x => x.Id, Review));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=item]").Count));
        Assert.True(cut.Find("[data-testid=finish]").HasAttribute("disabled"));
        Assert.All(cut.FindAll("[data-testid=revoke]"), b => Assert.True(b.HasAttribute("disabled")));

        cut.FindAll("[data-testid=confirm]")[0].Click();
        cut.WaitForAssertion(() => Assert.Equal((1L, AccessReviewDecisions.Confirm), (decisions[0].Item, decisions[0].Decision.Decision)));
        cut.Find("input[data-testid=revoke-reason], [data-testid=revoke-reason] input").Change("Service retired");
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=revoke]").HasAttribute("disabled")));
        cut.Find("[data-testid=revoke]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, decisions.Count));
        Assert.Equal((2L, AccessReviewDecisions.Revoke, "Service retired"), (decisions[1].Item, decisions[1].Decision.Decision, decisions[1].Decision.Reason));

        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=finish]").HasAttribute("disabled")));
        cut.Find("[data-testid=finish]").Click();
        cut.WaitForAssertion(() => Assert.True(finished));
    }
}
