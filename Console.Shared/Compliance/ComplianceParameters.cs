using SecurityConsole.Shared.Security;
using SecurityConsole.Shared.Validation;

namespace SecurityConsole.Shared.Compliance;

/// <summary>
/// The checks' parameters: data that admins edit (versioned and audited), not constants in code. The maximum key age
/// is not here: it is the key policy's rotation age per environment.
/// </summary>
public sealed record ComplianceParameters(
    IReadOnlyList<string> PrivilegedRoles,
    int InactivityDays = 90,
    int UnusedKeyDays = 90,
    int PickupWaitHours = 24,
    int CriticalTriageHours = 4,
    int HighTriageHours = 24,
    int ChainVerifiedWithinMinutes = 60,
    int CheckpointWithinMinutes = 120,
    int AccessReviewDays = 183,
    int ErasureDays = 30,
    int BreachNotifyHours = 72,
    int MaxAuditReaders = 10,
    int MaxPiiReaders = 3,
    int MaxIdleMinutes = 15,
    int MinPasswordLength = 12,
    int MaxFailedAttempts = 10,
    int MinLockoutMinutes = 30,
    IReadOnlyList<string>? BreachRuleIds = null) : IValidatable
{
    public static ComplianceParameters Default { get; } = new([Roles.Admin, Roles.Approver]);

    public void Validate(Validator v)
    {
        if (PrivilegedRoles is null || PrivilegedRoles.Count == 0)
        {
            v.Add("privilegedRoles", "Name at least one role.");
        }
        else if (PrivilegedRoles.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
        {
            v.Add("privilegedRoles", $"'{unknown}' is not a role; roles: {string.Join(", ", Roles.All)}.");
        }
        v.Range("inactivityDays", InactivityDays, 1, 3650);
        v.Range("unusedKeyDays", UnusedKeyDays, 1, 3650);
        v.Range("pickupWaitHours", PickupWaitHours, 1, 720);
        v.Range("criticalTriageHours", CriticalTriageHours, 1, 720);
        v.Range("highTriageHours", HighTriageHours, 1, 720);
        v.Range("chainVerifiedWithinMinutes", ChainVerifiedWithinMinutes, 15, 10080);
        v.Range("checkpointWithinMinutes", CheckpointWithinMinutes, 5, 10080);
        v.Range("accessReviewDays", AccessReviewDays, 1, 3650);
        v.Range("erasureDays", ErasureDays, 1, 365);
        v.Range("breachNotifyHours", BreachNotifyHours, 1, 720);
        v.Range("maxAuditReaders", MaxAuditReaders, 1, 10000);
        v.Range("maxPiiReaders", MaxPiiReaders, 1, 10000);
        v.Range("maxIdleMinutes", MaxIdleMinutes, 1, 1440);
        v.Range("minPasswordLength", MinPasswordLength, 8, 128);
        v.Range("maxFailedAttempts", MaxFailedAttempts, 1, 100);
        v.Range("minLockoutMinutes", MinLockoutMinutes, 1, 10080);
        if (BreachRuleIds is { Count: > 50 })
        {
            v.Add("breachRuleIds", "At most 50 rules.");
        }
        for (var i = 0; i < (BreachRuleIds?.Count ?? 0); i++)
        {
            v.Required($"breachRuleIds[{i}]", BreachRuleIds![i], 64);
        }
    }
}
