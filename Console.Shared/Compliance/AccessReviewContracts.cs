using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Compliance;

/// <summary>Starts a campaign over every user's roles and every live key's scopes as they are now.</summary>
public sealed record StartAccessReviewRequest(string Name) : IValidatable
{
    public void Validate(Validator v) => v.Required("name", Name, 200);
}

/// <summary>
/// A campaign and how far it has come. <see cref="StartedBy"/> and <see cref="FinishedBy"/> are user ids;
/// <see cref="StartedByName"/> and <see cref="FinishedByName"/> name those people as the audit trail does for the reader:
/// the e-mail with pii:read, else the masked e-mail and a stable pseudonym tag (<c>a***@example.com #1a2b3c4d</c>).
/// </summary>
public sealed record AccessReviewSummary(
    Guid Id, string Name, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? FinishedBy,
    int Items, int Decided, int Revoked, long? Evidence, string? StartedByName = null, string? FinishedByName = null);

/// <summary>
/// One user's roles (<see cref="AccessReviewKinds.User"/>) or one key's scopes (<see cref="AccessReviewKinds.Key"/>) to
/// confirm or revoke. A user's <see cref="Label"/> names the person as the audit trail does for the reader (masked without
/// pii:read). <see cref="DecidedBy"/> is the reviewer's user id, <see cref="DecidedByName"/> the reviewer named the same way.
/// </summary>
public sealed record AccessReviewItemView(
    long Id, string Kind, string ResourceId, string Label, IReadOnlyList<string> Grants, string? Decision, IReadOnlyList<string> Revoked,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecidedByName = null);

public sealed record AccessReviewDetail(AccessReviewSummary Summary, IReadOnlyList<AccessReviewItemView> Items, int Total, int Page, int PageSize);

/// <summary>
/// A reviewer's decision on one item. Revoking a user's roles removes <see cref="Roles"/> (all of the reviewed roles when
/// empty) through the role-change action; revoking a key revokes it through the key revoke action, with <see cref="Reason"/>.
/// </summary>
public sealed record AccessReviewDecision(string Decision, IReadOnlyList<string>? Roles, string? Reason) : IValidatable
{
    public void Validate(Validator v)
    {
        v.OneOf("decision", Decision, [AccessReviewDecisions.Confirm, AccessReviewDecisions.Revoke]);
        if (Decision == AccessReviewDecisions.Revoke)
        {
            v.Required("reason", Reason, 500);
        }
        else
        {
            v.Optional("reason", Reason, 500);
        }
        if (Roles is { Count: > 20 })
        {
            v.Add("roles", "At most 20 roles.");
        }
        for (var i = 0; i < (Roles?.Count ?? 0); i++)
        {
            v.Required($"roles[{i}]", Roles![i], 64);
        }
    }
}

public static class AccessReviewKinds
{
    public const string User = "user";
    public const string Key = "key";
}

public static class AccessReviewDecisions
{
    public const string Confirm = "confirm";
    public const string Revoke = "revoke";
}
