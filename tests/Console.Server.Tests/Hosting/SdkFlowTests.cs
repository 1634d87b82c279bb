using SecurityConsole.Sdk;
using SecurityConsole.Sdk.Models;
using SecurityConsole.Shared.Reports;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Tests.Hosting;

/// <summary>
/// The generated C# client (sdk/SecurityConsole.Sdk, Kiota, from the committed baseline document) against the real
/// server, one flow per feature (issue 16). A client that no longer compiles, or cannot call the server, fails here.
/// </summary>
public sealed class SdkFlowTests(SqliteConsole console) : IClassFixture<SqliteConsole>
{
    private ConsoleFactory Factory => console.Factory;

    private async Task<(ConsoleApiClient Api, string Secret)> KeyAsync(params string[] scopes)
    {
        var (http, secret) = await Factory.KeyClientAsync(scopes);
        return (ConsoleApi.Create(http), secret);
    }

    [Fact]
    public async Task KeysAServiceVerifiesAKeyAndReadsItBack()
    {
        var (api, secret) = await KeyAsync(Permissions.KeysVerify, Permissions.KeysRead);

        var verified = await api.Api.V1.Keys.Verify.PostAsync(new KeyVerifyRequest { Key = secret, RequiredScope = Permissions.KeysVerify }, cancellationToken: Ct);
        Assert.True(verified!.Valid, verified.Reason);
        var key = await api.Api.V1.Keys[verified.KeyId!.Value].GetAsync(cancellationToken: Ct);
        Assert.Contains(Permissions.KeysVerify, key!.Scopes!);
        var bogus = await api.Api.V1.Keys.Verify.PostAsync(new KeyVerifyRequest { Key = secret[..^1] + (secret[^1] == 'a' ? 'b' : 'a') }, cancellationToken: Ct);
        Assert.False(bogus!.Valid);
    }

    [Fact]
    public async Task EventsAndAlertsEventsSentAreStoredAndTheirAlertIsRaised()
    {
        var (api, _) = await KeyAsync(Permissions.EventsWrite, Permissions.AlertsRead);
        var actor = $"sdk-{Guid.NewGuid():N}@example.test";
        var events = Enumerable.Range(0, 12)
            .Select(_ => new SecurityEventInput { Type = "auth.login_failed", Actor = actor, SourceIp = "203.0.113.77", Outcome = SecurityEventInput_outcome.Failure }).ToList();

        var batch = await api.Api.V1.Events.PostAsync(events, cancellationToken: Ct);

        Assert.Equal(12, batch!.Accepted);
        var stored = await api.Api.V1.Events.GetAsync(r => r.QueryParameters.Type = "auth.login_failed", Ct);
        Assert.NotEmpty(stored!.Items!);
        await Eventually.HoldsAsync("a brute-force alert for the events sent through the SDK", async () =>
        {
            var page = await api.Api.V1.Alerts.GetAsync(cancellationToken: Ct);
            return (page!.Items!.Any(a => a.RuleId == "brute-force"), string.Join(", ", page.Items!.Select(a => a.Title)));
        });
    }

    [Fact]
    public async Task AuditTheTrailIsSearchedAndVerified()
    {
        var (api, _) = await KeyAsync(Permissions.AuditRead);

        var page = await api.Api.V1.Audit.GetAsync(r => r.QueryParameters.Limit = "10", Ct);
        var verified = await api.Api.V1.Audit.Verify.PostAsync(new VerifyRequest(), cancellationToken: Ct);

        Assert.NotEmpty(page!.Items!);
        Assert.True(verified!.Intact, verified.Detail);
    }

    [Fact]
    public async Task UsersAnInvitationIsSentAndListed()
    {
        var (api, _) = await KeyAsync(Permissions.UsersManage, Permissions.KeysRequest);
        var email = $"invited-{Guid.NewGuid():N}@example.test";

        var roles = await api.Api.V1.Users.Roles.GetAsync(cancellationToken: Ct);
        await api.Api.V1.Invitations.PostAsync(new InviteUserRequest { Email = email, Roles = [Roles.Developer] }, cancellationToken: Ct);
        var invitations = await api.Api.V1.Invitations.GetAsync(cancellationToken: Ct);

        Assert.NotEmpty(roles!);
        Assert.Contains(invitations!, i => i.Email == email);
    }

    [Fact]
    public async Task ComplianceTheOverviewAndFrameworksAreRead()
    {
        var (api, _) = await KeyAsync(Permissions.ComplianceRead);

        var overview = await api.Api.V1.Compliance.GetAsync(cancellationToken: Ct);
        var frameworks = await api.Api.V1.Compliance.Frameworks.GetAsync(cancellationToken: Ct);

        Assert.NotNull(overview);
        Assert.NotEmpty(frameworks!);
    }

    [Fact]
    public async Task ReportsARunIsStartedAndFollowed()
    {
        var (api, _) = await KeyAsync(Permissions.ReportsRead, Permissions.AuditRead);

        var catalogue = await api.Api.V1.Reports.Catalogue.GetAsync(cancellationToken: Ct);
        var accepted = await api.Api.V1.Reports.Runs.PostAsync(new SecurityConsole.Sdk.Models.RunReportRequest
        {
            Template = ReportTypes.AuditExtract,
            Format = ReportFormats.Csv,
            Parameters = new RunReportRequest_parameters { AdditionalData = new Dictionary<string, object> { ["period"] = ReportPeriods.Last7Days } },
        }, cancellationToken: Ct);

        Assert.Contains(catalogue!, c => c.Type == ReportTypes.AuditExtract);
        var run = await api.Api.V1.Reports.Runs[accepted!.Id!.Value].GetAsync(cancellationToken: Ct);
        Assert.Equal(ReportTypes.AuditExtract, run!.Template);
    }
}
