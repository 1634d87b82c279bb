using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Keys;

/// <summary>
/// What admins decide about keys, edited in the console (Keys → Policy) and read by requests, approvals and the
/// rotation job: the scope catalogue people may request from, and per environment when a request is approved
/// without a person and how old a key may get before it is rotated.
/// </summary>
public sealed record KeyPolicy(IReadOnlyList<RequestableScope> Scopes, IReadOnlyList<EnvironmentKeyPolicy> Environments) : IValidatable
{
    public const int MaxScopes = 64;
    public const int MaxAgeDaysLimit = 3650;

    public static KeyPolicy Default { get; } = new(
        ScopeCatalog.All,
        [
            new(KeyEnvironments.Production, AutoApproveUpTo: null, RotateAfterDays: 90),
            new(KeyEnvironments.Staging, AutoApproveUpTo: ScopeRisk.Low, RotateAfterDays: 180),
            new(KeyEnvironments.Development, AutoApproveUpTo: ScopeRisk.Low, RotateAfterDays: null),
        ]);

    public RequestableScope? FindScope(string? name) => Scopes.FirstOrDefault(s => s.Name == name);

    public EnvironmentKeyPolicy For(string environment) =>
        Environments.FirstOrDefault(e => e.Environment == environment) ?? new EnvironmentKeyPolicy(environment, null, null);

    /// <summary>Approved without a person when the environment allows it and every scope is at or below its risk ceiling.</summary>
    public bool AutoApproves(string environment, IEnumerable<string> scopes) =>
        For(environment).AutoApproveUpTo is { } ceiling && scopes.All(s => FindScope(s) is { } scope && scope.Risk <= ceiling);

    public void Validate(Validator v)
    {
        if (Scopes is null || Scopes.Count == 0)
        {
            v.Add("scopes", "Keep at least one requestable scope.");
        }
        else
        {
            if (Scopes.Count > MaxScopes)
            {
                v.Add("scopes", $"At most {MaxScopes} scopes.");
            }
            for (var i = 0; i < Scopes.Count; i++)
            {
                var scope = Scopes[i];
                if (scope is null)
                {
                    v.Add($"scopes[{i}]", "Must not be empty.");
                    continue;
                }
                if (!Permissions.IsKnown(scope.Name))
                {
                    v.Add($"scopes[{i}].name", $"'{scope.Name}' is not a permission of the console. Permissions: {string.Join(", ", Permissions.All)}.");
                }
                v.Required($"scopes[{i}].description", scope.Description, 200);
                if (!Enum.IsDefined(scope.Risk))
                {
                    v.Add($"scopes[{i}].risk", "Must be Low, Medium or High.");
                }
            }
            foreach (var duplicate in Scopes.Where(s => s is not null).GroupBy(s => s.Name).Where(g => g.Count() > 1))
            {
                v.Add("scopes", $"'{duplicate.Key}' is listed more than once.");
            }
        }
        if (Environments is null || Environments.Count != KeyEnvironments.All.Count ||
            !KeyEnvironments.All.All(e => Environments.Count(p => p?.Environment == e) == 1))
        {
            v.Add("environments", $"Give exactly one policy for each environment: {string.Join(", ", KeyEnvironments.All)}.");
            return;
        }
        for (var i = 0; i < Environments.Count; i++)
        {
            var policy = Environments[i];
            if (policy.AutoApproveUpTo is { } risk && !Enum.IsDefined(risk))
            {
                v.Add($"environments[{i}].autoApproveUpTo", "Must be Low, Medium, High or empty (never approve without a person).");
            }
            if (policy.RotateAfterDays is { } days)
            {
                v.Range($"environments[{i}].rotateAfterDays", days, 1, MaxAgeDaysLimit);
            }
        }
    }
}

/// <summary>
/// <see cref="AutoApproveUpTo"/>: requests whose scopes are all at or below this risk are approved at once (null: always a person).
/// <see cref="RotateAfterDays"/>: the rotation job issues a successor for keys older than this (null: no maximum age).
/// </summary>
public sealed record EnvironmentKeyPolicy(string Environment, ScopeRisk? AutoApproveUpTo, int? RotateAfterDays);

/// <summary>Kinds of <see cref="KeyNotice"/>.</summary>
public static class KeyNoticeKinds
{
    /// <summary>To the requester: their request was approved (by a person or the policy); the secret waits for pick-up.</summary>
    public const string RequestApproved = "request_approved";

    /// <summary>To the requester: their request was rejected, with the approver's comment.</summary>
    public const string RequestRejected = "request_rejected";

    /// <summary>To approvers: a request waits for a decision.</summary>
    public const string RequestPending = "request_pending";

    /// <summary>To the owner: a successor was issued (by hand or by the rotation policy) and waits for pick-up.</summary>
    public const string SuccessorReady = "successor_ready";

    /// <summary>To the owner: one of their keys was revoked (by a person or as leaked).</summary>
    public const string KeyRevoked = "key_revoked";
}

/// <summary>
/// Sent live (hub method <c>keyNotice</c>) to the people a key change concerns. Never carries a secret:
/// it says there is something to pick up, and where.
/// </summary>
public sealed record KeyNotice(string Kind, Guid? RequestId, Guid? KeyId, string Title, string Message, DateTimeOffset At);
