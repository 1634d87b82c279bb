using System.Net;
using AngleSharp.Dom;
using Bunit.Rendering;
using SecurityConsole.Client.Audit;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Client.Tests.Audit.AuditTestData;

namespace SecurityConsole.Client.Tests.Audit;

public sealed class AuditRetentionPageTests : ConsoleTestContext
{
    private static readonly LegalHoldView Hold = new(Guid.NewGuid(), "Case 2026-14: preserve for counsel", "user:admin-1", Noon);

    private RetentionPolicy current = Policy();

    public AuditRetentionPageTests()
    {
        SignInWith(Permissions.AuditRead, Permissions.AuditManage);
        Api.Retention = () => Task.FromResult(current);
    }

    private static IElement DaysField(IRenderedComponent<ContainerFragment> cut, string category) =>
        cut.Find($"[data-testid=retention-table] tbody tr:has([data-testid=floors-{category}]) .mud-input-control");

    /// <summary>A text field's input, whether the test id sits on its wrapper or on the input itself.</summary>
    private static string Input(string testId) => $"[data-testid={testId}] input, input[data-testid={testId}]";

    [Fact]
    public void RetentionShowsEachCategorysDaysWithTheFloorsOfEachStandardBesideIt()
    {
        var cut = RenderPage<AuditRetentionPage>();

        var admin = cut.Find("[data-testid=floors-admin]").TextContent;
        Assert.Contains("PCI DSS v4.0.1: at least 365 days (1 year)", admin);
        Assert.Contains("HIPAA: at least 2,190 days (6 years)", admin);
        Assert.DoesNotContain("HIPAA", cut.Find("[data-testid=floors-access]").TextContent);
        Assert.Equal("2190", DaysField(cut, "admin").QuerySelector("input")!.GetAttribute("value"));
        Assert.Contains("No legal hold", cut.Find("[data-testid=hold-none]").TextContent);
    }

    [Fact]
    public void SavingShowsTheApisFieldErrorNextToTheCategory()
    {
        var sent = new List<SetRetentionRequest>();
        Api.SetRetention = r =>
        {
            sent.Add(r);
            return Task.FromException<RetentionPolicy>(new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null,
                new Dictionary<string, string[]> { ["categories[1].days"] = ["'access' must be kept at least 400 days: required by Example (400 days)."] }));
        };
        var cut = RenderPage<AuditRetentionPage>();

        DaysField(cut, "access").QuerySelector("input")!.Input("380");
        cut.Find("[data-testid=retention-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("must be kept at least 400 days", DaysField(cut, "access").TextContent));
        Assert.Contains("mud-input-error", DaysField(cut, "access").InnerHtml);
        Assert.DoesNotContain("mud-input-error", DaysField(cut, "security").InnerHtml);
        Assert.Equal(380, Assert.Single(sent).Categories[1].Days);
    }

    [Fact]
    public void SavedRetentionIsConfirmed()
    {
        Api.SetRetention = r => Task.FromResult(current = Policy(accessDays: r.Categories[1].Days));
        var cut = RenderPage<AuditRetentionPage>();

        DaysField(cut, "access").QuerySelector("input")!.Input("730");
        cut.Find("[data-testid=retention-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Retention saved", cut.Markup));
        Assert.Contains("730 days (2 years)", DaysField(cut, "access").TextContent);
    }

    [Fact]
    public void ALegalHoldNeedsAReason()
    {
        Api.PlaceHold = r => Task.FromResult(Hold);
        var cut = RenderPage<AuditRetentionPage>();

        cut.Find("[data-testid=hold-submit]").Click();

        Assert.Contains("This field is required.", cut.Find("[data-testid=legal-hold]").TextContent);
        Assert.Empty(Api.HoldRequests);

        cut.Find(Input("hold-reason")).Input("Case 2026-14: preserve for counsel");
        current = Policy(Hold);
        cut.Find("[data-testid=hold-submit]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Legal hold in place", cut.Find("[data-testid=hold-current]").TextContent));
        Assert.Equal("Case 2026-14: preserve for counsel", Assert.Single(Api.HoldRequests).Reason);
    }

    [Fact]
    public void TheCurrentLegalHoldShowsWhoPlacedItWhenAndWhyAndCanBeLiftedWithAReason()
    {
        current = Policy(Hold);
        Api.LiftHold = _ => Task.CompletedTask;
        var cut = RenderPage<AuditRetentionPage>();

        var banner = cut.Find("[data-testid=hold-current]").TextContent;
        Assert.Contains("user:admin-1", banner);
        Assert.Contains("Case 2026-14: preserve for counsel", banner);
        Assert.Contains("2026", banner);
        Assert.Contains("Lift legal hold", cut.Find("[data-testid=hold-submit]").TextContent);

        cut.Find(Input("hold-reason")).Input("Case closed");
        current = Policy();
        cut.Find("[data-testid=hold-submit]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=hold-none]")));
        Assert.Equal("Case closed", Assert.Single(Api.HoldRequests).Reason);
    }

    [Fact]
    public void ErasureExplainsThatItCannotBeUndoneBeforeErasing()
    {
        Api.Erase = _ => Task.FromResult(new ErasureResult(2, 17));
        var cut = RenderPage<AuditRetentionPage>();

        cut.Find(Input("erasure-email")).Input("bob@example.com");
        cut.Find(Input("erasure-reason")).Input("Request DPO-381");
        cut.Find("[data-testid=erasure-submit]").Click();

        var confirm = cut.Find(".mud-dialog");
        Assert.Contains("Erase the personal data of bob@example.com?", confirm.TextContent);
        Assert.Contains("cannot be undone", confirm.TextContent);
        Assert.Empty(Api.ErasureRequests);
        confirm.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Erase for good").Click();

        cut.WaitForAssertion(() => Assert.Contains("17 entries", cut.Find("[data-testid=erasure-done]").TextContent));
        Assert.Equal(new ErasureRequest(null, "bob@example.com", "Request DPO-381"), Assert.Single(Api.ErasureRequests));
    }

    [Fact]
    public void ErasureNeedsAPerson()
    {
        var cut = RenderPage<AuditRetentionPage>();

        cut.Find(Input("erasure-reason")).Input("Request DPO-381");
        cut.Find("[data-testid=erasure-submit]").Click();

        Assert.Contains("Give the user id or the email address", cut.Find("[data-testid=erasure]").TextContent);
        Assert.Empty(cut.FindAll(".mud-dialog"));
    }
}
