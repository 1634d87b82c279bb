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
        17, DateTimeOffset.UtcNow.AddMinutes(-3), 2, DateTimeOffset.UtcNow, null, 1);

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
        cut.Find("[data-testid=param-threshold] input").Change("1");

        cut.Find("[data-testid=rule-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Must be between 2 and 1000000.", cut.Find("[data-testid=param-threshold]").TextContent));
        Assert.Contains("Must be between 10 and 86400.", cut.Find("[data-testid=rule-edit-dialog]").TextContent);
        Assert.Contains("Must be an event type", cut.Find("[data-testid=param-eventTypes]").TextContent);
        var sent = Api.RuleUpdates.Single().Update;
        Assert.Equal(1, sent.Parameters!.Value.GetProperty("threshold").GetInt32());
        Assert.Equal("key.verify_failed", sent.Parameters!.Value.GetProperty("eventTypes")[0].GetString());
        Assert.Equal(2, sent.Parameters!.Value.GetProperty("by").GetArrayLength());
    }
}
