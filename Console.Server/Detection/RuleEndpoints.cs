using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Detection.Rules;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Detection;
using SecurityConsole.Shared.Hosting;

namespace SecurityConsole.Server.Detection;

public static class RuleEndpoints
{
    public static IEndpointRouteBuilder MapRules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup($"{ApiConventions.Prefix}/rules")
            .WithTags("Detection rules")
            .AuthorizedByTable()
            .WithValidation();

        group.MapGet("/", async (RuleAdmin rules, CancellationToken ct) => TypedResults.Ok(await rules.ListAsync(ct)))
            .WithName("ListDetectionRules").WithSummary("Every rule with its parameters, how often it fired, when last, and its active alerts.");
        group.MapGet("/types", () => TypedResults.Ok(BuiltInRules.Types))
            .WithName("ListDetectionRuleTypes").WithSummary("The rule types, each with its parameters (kind, range, meaning) and defaults, for a form.");
        group.MapGet("/{id}", async Task<Results<Ok<DetectionRuleView>, NotFound>> (string id, RuleAdmin rules, CancellationToken ct) =>
                await rules.GetAsync(id, ct) is { } rule ? TypedResults.Ok(rule) : TypedResults.NotFound())
            .WithName("GetDetectionRule").WithSummary("One rule.");
        // The errors (404, 400 with fields, 409) are what RuleAdmin throws, answered by Common's problem handler; the
        // union names them for the API document.
        group.MapPut("/{id}", async Task<Results<Ok<DetectionRuleView>, NotFound, ValidationProblem, ProblemHttpResult>> (
                string id, DetectionRuleUpdate body, RuleAdmin rules, CancellationToken ct) => TypedResults.Ok(await rules.UpdateAsync(id, body, ct)))
            .WithName("UpdateDetectionRule")
            .WithSummary("Enable, disable, tune the window, grouping, severity or parameters (validated per rule type); audited; live on every node within seconds.");
        group.MapPost("/", async Task<Results<Created<DetectionRuleView>, ProblemHttpResult>> (DetectionRuleCreate body, RuleAdmin rules, CancellationToken ct) =>
            {
                var rule = await rules.CreateAsync(body, ct);
                return TypedResults.Created($"/api/v1/rules/{rule.Id}", rule);
            })
            .WithName("CreateDetectionRule")
            .WithSummary("A new rule of a built-in type, e.g. a threshold on an event type a service sends; audited.");
        group.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, RuleAdmin rules, CancellationToken ct) =>
            {
                await rules.DeleteAsync(id, ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteDetectionRule")
            .WithSummary("Delete a rule an admin created, with what it learned; audited. Built-in rules answer 409: disable them instead.");
        return app;
    }
}
