using Microsoft.AspNetCore.Http.HttpResults;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Compliance;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Server.Compliance;

/// <summary>Access review campaigns over HTTP; the rules are in <see cref="AccessReviews"/>.</summary>
public static class AccessReviewEndpoints
{
    public static RouteGroupBuilder MapAccessReviews(this RouteGroupBuilder group)
    {
        group.MapGet("/access-reviews", async (AccessReviews reviews, CancellationToken ct) => TypedResults.Ok(await reviews.ListAsync(ct)))
            .WithName("ListAccessReviews").WithSummary("Access review campaigns, newest first, with how far each has come.");
        // The refusals of AccessReviews (404, 400, 403, 409) are thrown and answered by Common; the unions name them.
        group.MapPost("/access-reviews", async Task<Results<Created<AccessReviewSummary>, ProblemHttpResult>> (
                StartAccessReviewRequest request, AccessReviews reviews, Caller caller, CancellationToken ct) =>
            {
                var review = await reviews.StartAsync(caller.Current.Id, request, ct);
                return TypedResults.Created($"/api/v1/compliance/access-reviews/{review.Id}", review);
            })
            .WithName("StartAccessReview").WithSummary("Start a campaign over every user's roles and every live key's scopes as they are now.");
        group.MapGet("/access-reviews/{id:guid}", GetAsync).WithName("GetAccessReview")
            .WithSummary("A campaign and one page of its items (?undecided=true for what is left).");
        group.MapPost("/access-reviews/{id:guid}/items/{item:long}/decision",
                async Task<Results<Ok<AccessReviewItemView>, NotFound, ValidationProblem, ProblemHttpResult>> (
                    Guid id, long item, AccessReviewDecision decision, Caller caller, AccessReviews reviews, CancellationToken ct) =>
                    TypedResults.Ok(await reviews.DecideAsync(id, item, caller.Current.Id, decision, ct)))
            .WithName("DecideAccessReviewItem")
            .WithSummary("Confirm an item, or revoke it: a user's roles through the role change, a key through the key revoke (with their permissions).");
        group.MapPost("/access-reviews/{id:guid}/finish", async Task<Results<Ok<AccessReviewSummary>, NotFound, ProblemHttpResult>> (
                Guid id, AccessReviews reviews, Caller caller, CancellationToken ct) => TypedResults.Ok(await reviews.FinishAsync(id, caller.Current.Id, ct)))
            .WithName("FinishAccessReview").WithSummary("Finish a campaign whose items are all decided: evidence, and the access-review check passes.");
        return group;
    }

    private static async Task<Results<Ok<AccessReviewDetail>, NotFound, ValidationProblem>> GetAsync(
        Guid id, bool? undecided, int? page, int? pageSize, AccessReviews reviews, CancellationToken ct)
    {
        var v = new Validator().Range("page", page ?? 1, 1, 100_000).Range("pageSize", pageSize ?? 100, 1, AccessReviews.MaxPageSize);
        if (!v.IsValid)
        {
            return ProblemHandlingExtensions.Invalid(v);
        }
        return await reviews.GetAsync(id, undecided ?? false, page ?? 1, pageSize ?? 100, ct) is { } detail ? TypedResults.Ok(detail) : TypedResults.NotFound();
    }
}
