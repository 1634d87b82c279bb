using Microsoft.AspNetCore.Mvc;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// The query string of search and export, bound as plain text so that OpenAPI documents every parameter
/// and <see cref="Shared.Audit.AuditSearchQuery.Parse"/> can name the one at fault (binding typed values would fail with a generic 400).
/// </summary>
/// <remarks>A class with init properties, not a positional record: the request delegate generator cannot bind
/// a record whose constructor takes nullable strings (dotnet/aspnetcore#58953).</remarks>
public sealed class AuditQueryParameters
{
    /// <summary>Earliest time (ISO 8601).</summary>
    [FromQuery(Name = "from")] public string? From { get; init; }

    /// <summary>Latest time (ISO 8601).</summary>
    [FromQuery(Name = "to")] public string? To { get; init; }

    /// <summary>Actor id (user id, key id, or system name).</summary>
    [FromQuery(Name = "actor")] public string? Actor { get; init; }

    /// <summary>Action, exact, or a prefix ending in * (signin.*).</summary>
    [FromQuery(Name = "action")] public string? Action { get; init; }

    /// <summary>Target id.</summary>
    [FromQuery(Name = "target")] public string? Target { get; init; }

    /// <summary>success, failure or denied.</summary>
    [FromQuery(Name = "outcome")] public string? Outcome { get; init; }

    /// <summary>security, access, key, admin or audit.</summary>
    [FromQuery(Name = "category")] public string? Category { get; init; }

    /// <summary>Text in the action, ids or non-personal data.</summary>
    [FromQuery(Name = "text")] public string? Text { get; init; }

    /// <summary>Data subject: a user id or an email address (matched through its pseudonym).</summary>
    [FromQuery(Name = "subject")] public string? Subject { get; init; }

    /// <summary>Entries older than this sequence (next page).</summary>
    [FromQuery(Name = "before")] public string? Before { get; init; }

    /// <summary>Entries newer than this sequence (previous page).</summary>
    [FromQuery(Name = "after")] public string? After { get; init; }

    /// <summary>Page size, 1 to 500 (default 50).</summary>
    [FromQuery(Name = "limit")] public string? Limit { get; init; }

    /// <summary>true shows personal data unmasked: needs pii:read, and is audited.</summary>
    [FromQuery(Name = "reveal")] public string? Reveal { get; init; }

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
