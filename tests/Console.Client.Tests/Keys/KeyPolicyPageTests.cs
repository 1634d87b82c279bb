using System.Net;
using Bunit.Rendering;
using SecurityConsole.Client.Keys;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Keys;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Keys;

public sealed class KeyPolicyPageTests : ConsoleTestContext
{
    public KeyPolicyPageTests()
    {
        SignInWith(Permissions.KeysWrite);
        Api.SetKeyPolicy = p => Task.FromResult(p);
    }

    private static string AroundField(IRenderedComponent<ContainerFragment> cut, string selector) =>
        cut.Find(selector).Closest(".mud-input-control")!.TextContent;

    [Fact]
    public void EachEnvironmentSaysInWordsWhatItsSettingsMean()
    {
        var cut = RenderPage<KeyPolicyPage>();

        Assert.Contains("Every request waits for an approver. Keys older than 90 days get a successor.", cut.Find("[data-testid=meaning-production]").TextContent);
        Assert.Contains("only low-risk scopes are approved at once", cut.Find("[data-testid=meaning-staging]").TextContent);
        Assert.Contains("Keys have no maximum age.", cut.Find("[data-testid=meaning-development]").TextContent);
        Assert.Equal(ScopeCatalog.All.Count, cut.FindAll("[data-testid=scopes-table] tbody tr").Count);
        Assert.True(cut.Find("[data-testid=policy-save]").HasAttribute("disabled"));
    }

    [Fact]
    public void AnEmptyDescriptionIsShownAtItsFieldAndNothingIsSaved()
    {
        var cut = RenderPage<KeyPolicyPage>();

        cut.Find($"input[data-testid='description-{Permissions.AlertsRead}']").Input("");
        cut.Find("[data-testid=policy-save]").Click();

        Assert.Contains("This field is required.", AroundField(cut, $"input[data-testid='description-{Permissions.AlertsRead}']"));
        Assert.Empty(Api.PoliciesSaved);
    }

    [Fact]
    public void ARotationAgeOutOfRangeIsShownAtItsEnvironment()
    {
        var cut = RenderPage<KeyPolicyPage>();

        cut.Find("input[data-testid=rotate-staging]").Input("0");
        cut.Find("[data-testid=policy-save]").Click();

        Assert.Contains("between 1 and 3650", AroundField(cut, "input[data-testid=rotate-staging]"), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Api.PoliciesSaved);
    }

    [Fact]
    public void ServerFieldErrorsAppearAtTheRowTheyNameAndOthersInTheSummary()
    {
        Api.SetKeyPolicy = _ => Task.FromException<KeyPolicy>(new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null,
            new Dictionary<string, string[]>
            {
                ["scopes[1].risk"] = ["events:write cannot be high risk while services need it."],
                ["environments"] = ["Someone else changed the policy meanwhile."],
            }));
        var cut = RenderPage<KeyPolicyPage>();
        cut.Find($"input[data-testid='description-{Permissions.KeysVerify}']").Input("Verify keys on each call");

        cut.Find("[data-testid=policy-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("cannot be high risk", cut.Find($"[data-testid='risk-{Permissions.EventsWrite}']").Closest(".mud-input-control")!.TextContent));
        Assert.Contains("Someone else changed the policy meanwhile.", cut.Find("[data-testid=policy-save-error]").TextContent);
    }

    [Fact]
    public void AddingAndRemovingScopesAndChangingAnEnvironmentIsSavedAsOnePolicy()
    {
        var cut = RenderPage<KeyPolicyPage>();

        cut.Find($"[data-testid='remove-{Permissions.UsersManage}']").Click();
        cut.Find("input[data-testid=rotate-development]").Input("30");
        cut.Find("[data-testid=policy-save]").Click();

        cut.WaitForAssertion(() => Assert.Single(Api.PoliciesSaved));
        var saved = Api.PoliciesSaved[0];
        Assert.DoesNotContain(saved.Scopes, s => s.Name == Permissions.UsersManage);
        Assert.Equal(ScopeCatalog.All.Count - 1, saved.Scopes.Count);
        Assert.Equal(30, saved.For(KeyEnvironments.Development).RotateAfterDays);
        Assert.Equal(KeyPolicy.Default.For(KeyEnvironments.Production), saved.For(KeyEnvironments.Production));
        cut.WaitForAssertion(() => Assert.Contains("Key policy saved", cut.Find(".mud-snackbar").TextContent));
        Assert.True(cut.Find("[data-testid=policy-save]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task APermissionNotInTheCatalogueCanBeAddedWithItsDescription()
    {
        Api.KeyPolicy = () => Task.FromResult(KeyPolicy.Default with { Scopes = [.. ScopeCatalog.All.Where(s => s.Name != Permissions.ReportsRead)] });
        var cut = RenderPage<KeyPolicyPage>();
        Assert.DoesNotContain(Permissions.ReportsRead, cut.Find("[data-testid=scopes-table]").TextContent);

        var add = cut.FindComponent<MudBlazor.MudSelect<string>>();
        await cut.InvokeAsync(() => add.Instance.ValueChanged.InvokeAsync(Permissions.ReportsRead));
        cut.Find("[data-testid=add-scope-button]").Click();

        Assert.Equal(Permissions.Describe(Permissions.ReportsRead), cut.Find($"input[data-testid='description-{Permissions.ReportsRead}']").GetAttribute("value"));
        Assert.False(cut.Find("[data-testid=policy-save]").HasAttribute("disabled"));
    }

    [Fact]
    public void AServerWithoutThePolicyEndpointIsExplainedNotShownAsABrokenPage()
    {
        Api.KeyPolicy = () => Task.FromException<KeyPolicy>(new ApiException(HttpStatusCode.NotFound, null, null, null));

        var cut = RenderPage<KeyPolicyPage>();

        Assert.Contains("does not offer an editable key policy yet", cut.Find("[data-testid=policy-error]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=policy-save]"));
    }
}
