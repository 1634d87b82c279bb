using Microsoft.AspNetCore.WebUtilities;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Fuzz.Harnesses;

/// <summary>
/// The query string of GET /api/v1/audit and /audit/export (<see cref="AuditSearchQuery.Parse"/>, shared with the browser).
/// Every problem must be a named field; an accepted query must keep its documented bounds and survive the browser's
/// <see cref="AuditSearchQuery.ToQueryString"/> unchanged.
/// </summary>
public sealed class AuditQueryHarness : IFuzzHarness
{
    public string Name => "audit-query";

    public void Run(ReadOnlySpan<byte> input)
    {
        var v = new Validator();
        var q = AuditSearchQuery.Parse(QueryText.Parse(input), v);
        if (!v.IsValid)
        {
            return;
        }
        FuzzHarnesses.Check(q.Limit is >= 1 and <= AuditSearchQuery.MaxLimit, "limit within 1..500");
        FuzzHarnesses.Check(q.From is null || q.To is null || q.From <= q.To, "from is not after to");
        FuzzHarnesses.Check(q.Before is null || q.After is null, "before and after are exclusive");
        FuzzHarnesses.Check(q.Before is null or >= 1 && q.After is null or >= 1, "sequences are positive");
        FuzzHarnesses.Check(q.Outcome is null || AuditSearchQuery.Outcomes.Contains(q.Outcome), "outcome is documented");
        FuzzHarnesses.Check(q.Category is null || AuditCategoryNames.All.Contains(q.Category), "category is documented");
        QueryText.Queryable(q.Actor, 450, "actor");
        QueryText.Queryable(q.Action, 64, "action");
        QueryText.Queryable(q.Target, 450, "target");
        QueryText.Queryable(q.Text, 200, "text");
        QueryText.Queryable(q.Subject, 450, "subject");

        var again = new Validator();
        var round = AuditSearchQuery.Parse(QueryText.Parse(System.Text.Encoding.UTF8.GetBytes(q.ToQueryString().TrimStart('?'))), again);
        FuzzHarnesses.Check(again.IsValid && round == q, "the browser's query string reads back as the same query");
        _ = QueryHelpers.ParseQuery(q.ToQueryString());
    }
}
