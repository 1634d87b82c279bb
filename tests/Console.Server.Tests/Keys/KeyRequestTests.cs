using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Keys.KeyTestKit;

namespace SecurityConsole.Server.Tests.Keys;

public abstract class KeyRequestTests(SharedConsole console)
{
    private ConsoleFactory Factory => console.Factory;

    [Fact]
    public async Task ANonProductionLowRiskRequestIsApprovedByPolicyAndItsSecretIsPickedUpExactlyOnce()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var request = await developer.RequestAsync(NewRequest(KeyEnvironments.Staging));
        Assert.Equal(KeyRequestStatuses.Approved, request.Status);
        Assert.True(request.AutoApproved);
        Assert.True(request.AwaitingPickup);

        var issued = await developer.PickUpOkAsync(request.Id);
        Assert.StartsWith("sc_stg_", issued.Secret);
        Assert.Equal(request.KeyId, issued.Id);
        var verifier = await Factory.VerifierAsync();
        Assert.True((await verifier.VerifyAsync(issued.Secret)).Valid);

        await (await developer.PickUpAsync(request.Id)).AssertProblemAsync(HttpStatusCode.Gone);
        await (await developer.PostAsync($"/api/v1/keys/{issued.Id}/pickup", null, Ct)).AssertProblemAsync(HttpStatusCode.Gone);
        var after = await developer.GetFromJsonAsync<KeyRequestSummary>($"{Requests}/{request.Id}", Ct);
        Assert.False(after!.AwaitingPickup);
    }

    [Fact]
    public async Task AProductionRequestWaitsForAnApproverAndIsIssuedOnApproval()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var request = await developer.RequestAsync(NewRequest(KeyEnvironments.Production));
        Assert.Equal(KeyRequestStatuses.Pending, request.Status);
        Assert.Null(request.KeyId);
        await (await developer.PickUpAsync(request.Id)).AssertProblemAsync(HttpStatusCode.Conflict);

        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        var queue = await approver.GetFromJsonAsync<List<KeyRequestSummary>>($"{Requests}?status=pending", Ct);
        Assert.Contains(queue!, r => r.Id == request.Id);
        Assert.All(queue!, r => Assert.Equal(KeyRequestStatuses.Pending, r.Status));

        var approved = await approver.DecideAsync(request.Id, approve: true);
        await approved.AssertStatusAsync(HttpStatusCode.OK);
        var decided = await approved.Content.ReadFromJsonAsync<KeyRequestSummary>(Ct);
        Assert.Equal(KeyRequestStatuses.Approved, decided!.Status);
        Assert.False(decided.AutoApproved);
        Assert.Equal("Looks right", decided.DecisionComment);

        // The approver sees the request but cannot collect the requester's secret.
        await (await approver.PickUpAsync(request.Id)).AssertStatusAsync(HttpStatusCode.NotFound);
        var issued = await developer.PickUpOkAsync(request.Id);
        Assert.StartsWith("sc_live_", issued.Secret);
        var again = await approver.DecideAsync(request.Id, approve: true);
        await again.AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ARequestWithAHighRiskScopeWaitsEvenOutsideProduction()
    {
        // An analyst: audit:read is theirs to ask for (ADR 0008).
        var analyst = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        var request = await analyst.RequestAsync(NewRequest(KeyEnvironments.Development, [Permissions.KeysVerify, Permissions.AuditRead]));
        Assert.Equal(KeyRequestStatuses.Pending, request.Status);
    }

    [Fact]
    public async Task ARequesterCannotApproveOrRejectTheirOwnRequestEvenAsAnApprover()
    {
        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        var request = await approver.RequestAsync(NewRequest(KeyEnvironments.Production));

        var approve = await approver.DecideAsync(request.Id, approve: true);
        var problem = await approve.AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("own request", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        await (await approver.DecideAsync(request.Id, approve: false)).AssertProblemAsync(HttpStatusCode.Forbidden);

        var still = await approver.GetFromJsonAsync<KeyRequestSummary>($"{Requests}/{request.Id}", Ct);
        Assert.Equal(KeyRequestStatuses.Pending, still!.Status);
        Assert.Null(still.KeyId);
        Assert.Contains("\"own_request\"", await Factory.AuditDataAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARejectedRequestIssuesNoKey()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var request = await developer.RequestAsync(NewRequest(KeyEnvironments.Production));
        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        await (await approver.DecideAsync(request.Id, approve: false, "Use the shared verifier key")).AssertStatusAsync(HttpStatusCode.OK);

        var mine = await developer.GetFromJsonAsync<KeyRequestSummary>($"{Requests}/{request.Id}", Ct);
        Assert.Equal(KeyRequestStatuses.Rejected, mine!.Status);
        Assert.Null(mine.KeyId);
        await (await developer.PickUpAsync(request.Id)).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await approver.DecideAsync(request.Id, approve: true)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ARequesterSeesOnlyTheirOwnRequestsAndCannotDecideAny()
    {
        var alice = await Factory.SignedInClientAsync(Roles.Developer);
        var bob = await Factory.SignedInClientAsync(Roles.Developer);
        var alices = await alice.RequestAsync(NewRequest(KeyEnvironments.Production));

        var bobsView = await bob.GetFromJsonAsync<List<KeyRequestSummary>>(Requests, Ct);
        Assert.DoesNotContain(bobsView!, r => r.Id == alices.Id);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"{Requests}/{alices.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.PickUpAsync(alices.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DecideAsync(alices.Id, approve: true)).StatusCode);
    }

    [Fact]
    public async Task AnInvalidRequestIsAValidationProblemNamingEachField()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var response = await developer.PostAsJsonAsync(Requests, new
        {
            service = "",
            environment = "prod",
            scopes = new[] { "keys:everything" },
            lifetimeDays = 0,
            rateLimitPerMinute = 0,
            ipAllowList = new[] { "10.0.0.1/8", "not-an-ip" },
            reason = "",
        }, Ct);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        foreach (var field in new[] { "service", "environment", "scopes", "lifetimeDays", "rateLimitPerMinute", "reason" })
        {
            Assert.NotEmpty(problem.FieldErrors(field));
        }
        Assert.Equal(2, problem.FieldErrors("ipAllowList").Length);
        Assert.Contains(problem.FieldErrors("scopes"), m => m.Contains("keys:everything", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFreshlyIssuedSecretAppearsInNoLogNoAuditEntryAndNotInTheDatabase()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var request = await developer.RequestAsync(NewRequest(KeyEnvironments.Production, rateLimit: 60, ips: ["10.0.0.0/8"]));
        var approver = await Factory.SignedInClientAsync(Roles.Approver);
        await (await approver.DecideAsync(request.Id, approve: true)).AssertStatusAsync(HttpStatusCode.OK);

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var pending = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.RequestId == request.Id, Ct);
            Assert.NotNull(pending.PendingSecret);
            var issued = await developer.PickUpOkAsync(request.Id);
            Assert.DoesNotContain(issued.Secret, pending.PendingSecret);
            var row = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.RequestId == request.Id, Ct);
            Assert.Null(row.PendingSecret);

            var verifier = await Factory.VerifierAsync();
            Assert.True((await verifier.VerifyAsync(issued.Secret, ip: "10.1.2.3")).Valid);
            Assert.DoesNotContain(issued.Secret, Factory.Logs.All);
            Assert.DoesNotContain(issued.Secret, await Factory.AuditDataAsync());
            Assert.DoesNotContain(issued.Secret[^20..], await Factory.AuditDataAsync());
        }
    }

    [Fact]
    public async Task SomeoneWithoutKeysApproveCannotApprove()
    {
        var developer = await Factory.SignedInClientAsync(Roles.Developer);
        var request = await developer.RequestAsync(NewRequest(KeyEnvironments.Production));
        var other = await Factory.SignedInClientAsync(Roles.SecurityAnalyst);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.DecideAsync(request.Id, approve: true)).StatusCode);
        var auditor = await Factory.SignedInClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync(Requests, NewRequest(), Ct)).StatusCode);
    }
}

public sealed class SqliteKeyRequestTests(SqliteConsole console) : KeyRequestTests(console), IClassFixture<SqliteConsole>;

public sealed class PostgresKeyRequestTests(PostgresConsole console) : KeyRequestTests(console), IClassFixture<PostgresConsole>;
