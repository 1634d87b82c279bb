using Microsoft.AspNetCore.Mvc;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// The query string of search and export, bound as plain text so that OpenAPI documents every parameter
/// and <see cref="Shared.Audit.AuditSearchQuery.Parse"/> can name the one at fault (binding typed values would fail with a generic 400).
/// </summary>
/// <param name="From">Earliest time (ISO 8601).</param>
/// <param name="To">Latest time (ISO 8601).</param>
/// <param name="Actor">Actor id (user id, key id, or system name).</param>
/// <param name="Action">Action, exact, or a prefix ending in * (signin.*).</param>
/// <param name="Target">Target id.</param>
/// <param name="Outcome">success, failure or denied.</param>
/// <param name="Category">security, access, key, admin or audit.</param>
/// <param name="Text">Text in the action, ids or non-personal data.</param>
/// <param name="Subject">Data subject: a user id or an email address (matched through its pseudonym).</param>
/// <param name="Before">Entries older than this sequence (next page).</param>
/// <param name="After">Entries newer than this sequence (previous page).</param>
/// <param name="Limit">Page size, 1 to 500 (default 50).</param>
/// <param name="Reveal">true shows personal data unmasked: needs pii:read, and is audited.</param>
public sealed record AuditQueryParameters(
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "actor")] string? Actor,
    [FromQuery(Name = "action")] string? Action,
    [FromQuery(Name = "target")] string? Target,
    [FromQuery(Name = "outcome")] string? Outcome,
    [FromQuery(Name = "category")] string? Category,
    [FromQuery(Name = "text")] string? Text,
    [FromQuery(Name = "subject")] string? Subject,
    [FromQuery(Name = "before")] string? Before,
    [FromQuery(Name = "after")] string? After,
    [FromQuery(Name = "limit")] string? Limit,
    [FromQuery(Name = "reveal")] string? Reveal)
{
    public string? Get(string name) => name switch
    {
        "from" => From,
        "to" => To,
        "actor" => Actor,
        "action" => Action,
        "target" => Target,
        "outcome" => Outcome,
        "category" => Category,
        "text" => Text,
        "subject" => Subject,
        "before" => Before,
        "after" => After,
        "limit" => Limit,
        "reveal" => Reveal,
        _ => null,
    };
}
