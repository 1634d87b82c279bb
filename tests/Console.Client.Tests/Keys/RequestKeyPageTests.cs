using System.Net;
using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Keys.KeyTestData;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class RequestKeyPageTests : ConsoleTestContext
{
    public RequestKeyPageTests() => SignInWith(Permissions.KeysRequest);

    private static string Input(string testId) => $"input[data-testid={testId}]";

    private static string TextArea(string testId) => $"textarea[data-testid={testId}]";

    /// <summary>What a person reads around a field: its label, value and the message under it.</summary>
    private static string AroundField(IRenderedComponent<ContainerFragment> cut, string selector) => cut.Find(selector).Closest(".mud-input-control")!.TextContent;

    private static IElement Verdict(IRenderedComponent<ContainerFragment> cut) => cut.Find("[data-testid=verdict]");

    private static void ChooseEnvironment(IRenderedComponent<ContainerFragment> cut, string environment)
    {
        var index = KeyEnvironments.All.ToList().IndexOf(environment);
        cut.FindAll("[data-testid=request-environment] input[type=radio]")[index].Click();
    }

    private static void ChooseScope(IRenderedComponent<ContainerFragment> cut, string scope) =>
        cut.Find($"[data-scope='{scope}'] input[type=checkbox]").Change(true);

    private static List<string?> Offered(IRenderedComponent<ContainerFragment> cut) =>
        [.. cut.FindAll("[data-testid=scope-option]").Select(o => o.GetAttribute("data-scope"))];

    private static void FillValidForm(IRenderedComponent<ContainerFragment> cut)
    {
        cut.Find(Input("request-service")).Input("billing-api");
        ChooseEnvironment(cut, KeyEnvironments.Development);
        ChooseScope(cut, Permissions.KeysVerify);
        cut.Find(TextArea("request-reason")).Input("Partners call billing-api with their keys");
    }

    [Fact]
    public void TheFormListsEveryRequestableScopeWithItsRiskAsAColouredChip()
    {
        // An admin holds every permission that a role grants: the whole catalogue is theirs to request.
        SignInWith([.. Roles.PermissionsOf(Roles.Admin)]);
        var cut = RenderPage<RequestKeyPage>();

        var options = cut.FindAll("[data-testid=scope-option]");
        Assert.Equal(ScopeCatalog.All.Count, options.Count);
        var audit = cut.Find($"[data-scope='{Permissions.AuditRead}'] [data-testid=risk]");
        Assert.Equal("high risk", audit.TextContent.Trim());
        Assert.Contains("mud-chip-color-error", audit.ClassName);
        Assert.Contains("mud-chip-color-success", cut.Find($"[data-scope='{Permissions.KeysVerify}'] [data-testid=risk]").ClassName);
    }

    [Fact]
    public void ADeveloperIsOfferedOnlyTheServiceScopesAndToldWhyTheRestIsMissing()
    {
        var cut = RenderPage<RequestKeyPage>();

        Assert.Equal([Permissions.KeysVerify, Permissions.EventsWrite], Offered(cut));
        Assert.Contains($"{ScopeCatalog.All.Count - 2} scopes of the catalogue are not listed", cut.Find("[data-testid=scopes-not-yours]").TextContent);
    }

    [Fact]
    public void AnAnalystIsOfferedTheirOwnPermissionsAndTheServiceScopesButNothingAboveThem()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.SecurityAnalyst)]);
        var cut = RenderPage<RequestKeyPage>();

        Assert.Equal(
            [Permissions.KeysVerify, Permissions.EventsWrite, Permissions.AlertsRead, Permissions.ReportsRead, Permissions.ComplianceRead,
                Permissions.KeysRead, Permissions.AuditRead],
            Offered(cut));
        Assert.Empty(cut.FindAll($"[data-scope='{Permissions.KeysWrite}']"));
        Assert.Empty(cut.FindAll($"[data-scope='{Permissions.UsersManage}']"));
    }

    [Fact]
    public void WhenNoScopeOfTheCatalogueIsTheirsThePersonIsToldWhomToAsk()
    {
        Api.Scopes = () => Task.FromResult(new List<RequestableScope> { ScopeCatalog.Find(Permissions.UsersManage)! });
        var cut = RenderPage<RequestKeyPage>();

        Assert.Empty(Offered(cut));
        Assert.Contains("No scope in the catalogue is yours to pass on", cut.Find("[data-testid=scopes-none]").TextContent);
        Assert.Contains("One scope of the catalogue is not listed", cut.Find("[data-testid=scopes-not-yours]").TextContent);
    }

    [Fact]
    public void TheFormSaysBeforeSubmittingWhetherThePolicyApprovesAtOnceOrAnApproverDecides()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.SecurityAnalyst)]);
        var cut = RenderPage<RequestKeyPage>();
        Assert.Equal("incomplete", Verdict(cut).GetAttribute("data-verdict"));

        ChooseEnvironment(cut, KeyEnvironments.Development);
        ChooseScope(cut, Permissions.KeysVerify);
        Assert.Equal("auto", Verdict(cut).GetAttribute("data-verdict"));
        Assert.Contains("Approved at once by policy", Verdict(cut).TextContent);

        ChooseScope(cut, Permissions.AlertsRead);
        Assert.Equal("approver", Verdict(cut).GetAttribute("data-verdict"));
        Assert.Contains($"{Permissions.AlertsRead} is above the low risk", Verdict(cut).TextContent);

        cut.Find($"[data-scope='{Permissions.AlertsRead}'] input[type=checkbox]").Change(false);
        ChooseEnvironment(cut, KeyEnvironments.Production);
        Assert.Equal("approver", Verdict(cut).GetAttribute("data-verdict"));
        Assert.Contains("Every production request needs an approver", Verdict(cut).TextContent);
    }

    [Fact]
    public void TheVerdictFollowsThePolicyTheAdminsSet()
    {
        SignInWith([.. Roles.PermissionsOf(Roles.SecurityAnalyst)]);
        Api.KeyPolicy = () => Task.FromResult(KeyPolicy.Default with
        {
            Environments = [new(KeyEnvironments.Production, ScopeRisk.Medium, 90), new(KeyEnvironments.Staging, null, null), new(KeyEnvironments.Development, null, null)],
        });
        var cut = RenderPage<RequestKeyPage>();

        ChooseEnvironment(cut, KeyEnvironments.Production);
        ChooseScope(cut, Permissions.AlertsRead);

        Assert.Equal("auto", Verdict(cut).GetAttribute("data-verdict"));
    }

    [Fact]
    public void WithoutThePolicyTheFormStillWorksAndSaysTheServerDecides()
    {
        Api.KeyPolicy = () => Task.FromException<KeyPolicy>(new ApiException(HttpStatusCode.NotFound, null, null, null));
        var cut = RenderPage<RequestKeyPage>();

        ChooseEnvironment(cut, KeyEnvironments.Development);
        ChooseScope(cut, Permissions.KeysVerify);

        Assert.Equal("unknown", Verdict(cut).GetAttribute("data-verdict"));
        Assert.NotEmpty(cut.FindAll("[data-testid=request-submit]"));
    }

    [Fact]
    public void AnIncompleteFormShowsEachProblemAtItsFieldWithoutCallingTheServer()
    {
        var cut = RenderPage<RequestKeyPage>();

        cut.Find("[data-testid=request-form]").Submit();

        Assert.Contains("This field is required.", AroundField(cut, Input("request-service")));
        Assert.Contains("This field is required.", AroundField(cut, TextArea("request-reason")));
        Assert.Equal("Choose where the key will be used.", cut.Find("[data-testid=environment-error]").TextContent);
        Assert.Contains("Choose at least one scope.", cut.Find("[data-testid=scopes-error]").TextContent);
        Assert.Empty(Api.KeyRequestsMade);
    }

    [Fact]
    public void ServerValidationErrorsAppearAtTheirFields()
    {
        Api.RequestKey = _ => Task.FromException<KeyRequestSummary>(new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null,
            new Dictionary<string, string[]>
            {
                ["ipAllowList"] = ["'10.0.0.1/8' is not an IP address or a CIDR block such as 10.0.0.0/8 (host bits must be zero)."],
                ["scopes"] = ["'keys:verify' is not in the scope catalogue any more."],
            }));
        var cut = RenderPage<RequestKeyPage>();
        FillValidForm(cut);

        cut.Find("[data-testid=request-form]").Submit();

        cut.WaitForAssertion(() => Assert.Contains("host bits must be zero", AroundField(cut, TextArea("request-ips"))));
        Assert.Contains("not in the scope catalogue", cut.Find("[data-testid=scopes-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=request-error]"));
    }

    [Fact]
    public void TheRequestCarriesEveryFieldAsTheApiNamesThem()
    {
        Api.RequestKey = r => Task.FromResult(Request(r.Service, KeyRequestStatuses.Pending, SignedInUserId));
        var cut = RenderPage<RequestKeyPage>();
        FillValidForm(cut);
        cut.Find(Input("request-lifetime")).Input("30");
        cut.Find(Input("request-rate")).Input("600");
        cut.Find(TextArea("request-ips")).Input("10.20.0.0/16\n\n 203.0.113.7 \n");

        cut.Find("[data-testid=request-form]").Submit();

        cut.WaitForAssertion(() => Assert.Single(Api.KeyRequestsMade));
        var sent = Api.KeyRequestsMade[0];
        Assert.Equal(("billing-api", KeyEnvironments.Development, 30, 600), (sent.Service, sent.Environment, sent.LifetimeDays, sent.RateLimitPerMinute));
        Assert.Equal([Permissions.KeysVerify], sent.Scopes);
        Assert.Equal(["10.20.0.0/16", "203.0.113.7"], sent.IpAllowList);
        Assert.Contains("Sent to the approvers", cut.Find("[data-testid=request-pending]").TextContent);
    }

    [Fact]
    public void AnAutoApprovedRequestOffersToPickUpTheSecretAtOnce()
    {
        var request = Request("billing-api", KeyRequestStatuses.Approved, SignedInUserId, awaitingPickup: true, keyId: Guid.NewGuid());
        Api.RequestKey = _ => Task.FromResult(request);
        Api.PickUpRequest = id => Task.FromResult(Issued(request.KeyId!.Value));
        var cut = RenderPage<RequestKeyPage>();
        FillValidForm(cut);

        cut.Find("[data-testid=request-form]").Submit();
        cut.WaitForAssertion(() => cut.Find("[data-testid=result-pickup]").Click());

        cut.WaitForAssertion(() => Assert.Equal(Issued(request.KeyId!.Value).Secret, cut.Find("[data-testid=secret]").TextContent));
        Assert.Equal([$"request {request.Id}"], Api.PickUps);
    }
}
