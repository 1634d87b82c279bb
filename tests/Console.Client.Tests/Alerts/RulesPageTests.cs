using System.Net;
using System.Text.Json;
using SecurityConsole.Client.Alerts;
using SecurityConsole.Client.Services;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Tests.Alerts;

public sealed class RulesPageTests : ConsoleTestContext
{
    private static readonly DetectionRuleView BruteForce = new("brute-force", "Brute force", "Failures per key, user or address.", RuleTypes.BruteForce,
        AlertSeverities.High, true, 300, 3600, JsonSerializer.SerializeToElement(new { eventTypes = new[] { "key.verify_failed" }, by = new[] { "key", "ip" }, threshold = 10 }),
        17, DateTimeOffset.UtcNow.AddMinutes(-3), 2, DateTimeOffset.UtcNow, null, 1, BuiltIn: true);

    private static readonly RuleTypeInfo BruteForceType = new(RuleTypes.BruteForce, "Brute force", "Failures reaching a threshold.", "Counting window",
        JsonSerializer.SerializeToElement(new { threshold = 10 }),
        [new("eventTypes", "eventTypes", "Event types that count as failures"), new("by", "entities", "Count per", Options: ["key", "user", "ip"]), new("threshold", "int", "Failures that raise an alert", 2, 1_000_000)]);

    public RulesPageTests()
    {
        SignInWith(Permissions.RulesManage);
        Api.Rules = () => Task.FromResult(new List<DetectionRuleView> { BruteForce });
        Api.RuleTypes = () => Task.FromResult(new List<RuleTypeInfo> { BruteForceType });
    }

    [Fact]
    public void TheListShowsTypeSeverityWindowParametersAndFiredCount()
    {
        var cut = RenderPage<RulesPage>();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=rule-row]")));
        var row = cut.Find("[data-testid=rule-row]").TextContent;
        Assert.Contains("Brute force", row);
        Assert.Contains("5 min", row);
        Assert.Contains("1 h", row);
        Assert.Contains("threshold=10", row);
        Assert.Contains("by=key,ip", row);
        Assert.StartsWith("17", cut.Find("[data-testid=rule-fired]").TextContent);
    }

    [Fact]
    public void SwitchingARuleOffSendsOnlyThat()
    {
        Api.UpdateRule = (_, u) => Task.FromResult(BruteForce with { Enabled = u.Enabled!.Value, Version = 2 });
        var cut = RenderPage<RulesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=rule-row] input[type=checkbox]").Change(false));

        cut.WaitForAssertion(() => Assert.Equal(new DetectionRuleUpdate(Enabled: false), Api.RuleUpdates.Single().Update));
        cut.WaitForAssertion(() => Assert.Contains("Brute force switched off", cut.Find(".mud-snackbar").TextContent));
    }

    [Fact]
    public void TheEditDialogShowsTheServersFieldErrorsNextToTheirFields()
    {
        Api.UpdateRule = (_, _) => throw new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null, new Dictionary<string, string[]>
        {
            ["parameters.threshold"] = ["Must be between 2 and 1000000."],
            ["windowSeconds"] = ["Must be between 10 and 86400."],
            ["parameters.eventTypes[0]"] = ["Must be an event type (lower-case, e.g. auth.login_failed), a prefix such as auth.*, or *."],
        });
        var cut = RenderPage<RulesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=rule-edit]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=rule-edit-dialog]")));
        cut.Find("[data-testid=param-threshold] input").Change("5");

        cut.Find("[data-testid=rule-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Must be between 2 and 1000000.", cut.Find("[data-testid=param-threshold]").TextContent));
        Assert.Contains("Must be between 10 and 86400.", cut.Find("[data-testid=rule-edit-dialog]").TextContent);
        Assert.Contains("Must be an event type", cut.Find("[data-testid=param-eventTypes]").TextContent);
        var sent = Api.RuleUpdates.Single().Update;
        Assert.Equal(5, sent.Parameters!.Value.GetProperty("threshold").GetInt32());
        Assert.Equal("key.verify_failed", sent.Parameters!.Value.GetProperty("eventTypes")[0].GetString());
        Assert.Equal(2, sent.Parameters!.Value.GetProperty("by").GetArrayLength());
    }
    [Fact]
    public void TheEditDialogRefusesANumberOutOfRangeBeforeAskingTheServer()
    {
        var cut = RenderPage<RulesPage>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=rule-edit]").Click());
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=rule-edit-dialog]")));
        cut.Find("[data-testid=param-threshold] input").Change("1");

        cut.Find("[data-testid=rule-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Must be a whole number from 2 to 1,000,000.", cut.Find("[data-testid=param-threshold]").TextContent));
        Assert.Empty(Api.RuleUpdates);
    }

    private static readonly RuleTypeInfo ThresholdType = new(RuleTypes.Threshold, "Threshold", "Events of a type per entity reaching a threshold.", "Counting window",
        JsonSerializer.SerializeToElement(new { eventType = "auth.*", by = "ip", threshold = 100 }),
        [new("eventType", "eventType", "Event type"), new("by", "entity", "Count per this entity", Options: ["key", "user", "ip", "service"]),
         new("threshold", "int", "Events that raise an alert", 1, 1_000_000)]);

    private static readonly DetectionRuleView Refunds = BruteForce with
    {
        Id = "refund-burst", Name = "Refund burst", Type = RuleTypes.BruteForce, FiredCount = 0, LastFiredAt = null, ActiveAlerts = 0, BuiltIn = false,
    };

    private IRenderedComponent<Bunit.Rendering.ContainerFragment> OpenNewRule()
    {
        Api.RuleTypes = () => Task.FromResult(new List<RuleTypeInfo> { BruteForceType, ThresholdType });
        var cut = RenderPage<RulesPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=rule-row]")));
        cut.Find("[data-testid=rule-new]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=rule-create-dialog]")));
        return cut;
    }

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<Bunit.Rendering.ContainerFragment> cut, string testId) =>
        cut.Find($"input[data-testid={testId}], [data-testid={testId}] input");

    [Fact]
    public void TheNewRuleFormSaysWhatIsWrongBeforeSendingIt()
    {
        var cut = OpenNewRule();
        Field(cut, "rule-id").Input("X");
        cut.Find("[data-testid=param-threshold] input").Change("0");
        Field(cut, "rule-window").Change("5");

        cut.Find("[data-testid=rule-create-save]").Click();

        var dialog = cut.Find("[data-testid=rule-create-dialog]").TextContent;
        Assert.Contains("Give the rule a name: alerts show it.", dialog);
        Assert.Contains(DetectionRuleCreate.IdMessage, dialog);
        Assert.Contains("Must be between 10 seconds and 24 hours (86,400 s).", dialog);
        Assert.Contains("Must be a whole number from 2 to 1,000,000.", cut.Find("[data-testid=param-threshold]").TextContent);
        Assert.Empty(Api.RulesCreated);
    }

    [Fact]
    public void ANewRuleIsSentWithItsTypedParametersAndJoinsTheList()
    {
        Api.CreateRule = r => Task.FromResult(Refunds with { Id = r.Id, Name = r.Name });
        var cut = OpenNewRule();
        Field(cut, "rule-name").Input("Refund burst");
        cut.Find("[data-testid=param-threshold] input").Change("5");

        cut.Find("[data-testid=rule-create-save]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=rule-row]").Count));
        var sent = Assert.Single(Api.RulesCreated);
        Assert.Equal(("refund-burst", "Refund burst", RuleTypes.BruteForce, AlertSeverities.Medium), (sent.Id, sent.Name, sent.Type, sent.Severity));
        Assert.Equal(JsonValueKind.Number, sent.Parameters!.Value.GetProperty("threshold").ValueKind);
        Assert.Equal(5, sent.Parameters!.Value.GetProperty("threshold").GetInt32());
        Assert.Single(cut.FindAll("[data-testid=rule-custom]"));
        Assert.Contains("Refund burst created", cut.Find(".mud-snackbar").TextContent);
    }

    [Fact]
    public void TheServersMessageForAParameterShowsNextToIt()
    {
        Api.CreateRule = _ => throw new ApiException(HttpStatusCode.BadRequest, "Some fields need attention", null, new Dictionary<string, string[]>
        {
            ["parameters.eventTypes[0]"] = ["Must be an event type (lower-case, e.g. auth.login_failed), a prefix such as auth.*, or *."],
        });
        var cut = OpenNewRule();
        Field(cut, "rule-name").Input("Odd failures");
        cut.Find("[data-testid=param-eventTypes] input").Change("Auth.Login");

        cut.Find("[data-testid=rule-create-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Must be an event type", cut.Find("[data-testid=param-eventTypes]").TextContent));
        Assert.Equal("Auth.Login", Api.RulesCreated.Single().Parameters!.Value.GetProperty("eventTypes")[0].GetString());
    }

    [Fact]
    public void AnIdInUseIsSaidAtTheIdField()
    {
        Api.CreateRule = _ => throw new ApiException(HttpStatusCode.Conflict, "A rule with this id exists", "Choose another id.", null);
        var cut = OpenNewRule();
        Field(cut, "rule-name").Input("Brute force");

        cut.Find("[data-testid=rule-create-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("A rule with the id 'brute-force' exists already: choose another.", cut.Find("[data-testid=rule-create-dialog]").TextContent));
    }

    [Fact]
    public void OnlyARuleAnAdminCreatedCanBeDeletedAndOnlyAfterSayingYes()
    {
        Api.Rules = () => Task.FromResult(new List<DetectionRuleView> { BruteForce, Refunds });
        var cut = RenderPage<RulesPage>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=rule-row]").Count));
        var delete = Assert.Single(cut.FindAll("[data-testid=rule-delete]"));
        Assert.Equal("Delete Refund burst", delete.GetAttribute("aria-label"));

        delete.Click();
        cut.WaitForAssertion(() => Assert.Contains("Delete Refund burst?", cut.Find(".mud-dialog").TextContent));
        Assert.Empty(Api.RulesDeleted);
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=rule-row]")));
        Assert.Equal(["refund-burst"], Api.RulesDeleted);
        Assert.Equal("brute-force", cut.Find("[data-testid=rule-row]").GetAttribute("data-rule-id"));
    }
}
