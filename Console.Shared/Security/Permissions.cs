namespace SecurityConsole.Shared.Security;

/// <summary>
/// Every permission the console knows. Endpoints, pages and API key scopes use these names;
/// they are defined once here so that server and client cannot disagree.
/// </summary>
public static class Permissions
{
    public const string KeysRead = "keys:read";
    public const string KeysWrite = "keys:write";
    public const string KeysRequest = "keys:request";
    public const string KeysApprove = "keys:approve";
    public const string KeysVerify = "keys:verify";
    public const string AuditRead = "audit:read";
    public const string AuditManage = "audit:manage";
    public const string PiiRead = "pii:read";
    public const string AlertsRead = "alerts:read";
    public const string AlertsTriage = "alerts:triage";
    public const string EventsWrite = "events:write";
    public const string RulesManage = "rules:manage";
    public const string ComplianceRead = "compliance:read";
    public const string ComplianceManage = "compliance:manage";
    public const string ComplianceAttest = "compliance:attest";
    public const string ReportsRead = "reports:read";
    public const string ReportsWrite = "reports:write";
    public const string UsersManage = "users:manage";
    public const string JobsManage = "jobs:manage";

    /// <summary>The name of the claim that carries one permission.</summary>
    public const string ClaimType = "permission";

    /// <summary>Prefix of the authorization policy that requires a permission.</summary>
    public const string PolicyPrefix = "perm:";

    public static string Policy(string permission) => PolicyPrefix + permission;

    /// <summary>A policy met by any one of these permissions ("perm:a|b").</summary>
    public static string PolicyAny(params string[] permissions) => PolicyPrefix + string.Join('|', permissions);

    /// <summary>The permissions a "perm:" policy name stands for (any one of them suffices).</summary>
    public static IReadOnlyList<string> OfPolicy(string policyName) =>
        policyName.StartsWith(PolicyPrefix, StringComparison.Ordinal) ? policyName[PolicyPrefix.Length..].Split('|') : [];

    public static IReadOnlyList<string> All { get; } =
    [
        KeysRead, KeysWrite, KeysRequest, KeysApprove, KeysVerify,
        AuditRead, AuditManage, PiiRead,
        AlertsRead, AlertsTriage, EventsWrite, RulesManage,
        ComplianceRead, ComplianceManage, ComplianceAttest, ReportsRead, ReportsWrite,
        UsersManage, JobsManage,
    ];

    public static bool IsKnown(string permission) => All.Contains(permission, StringComparer.Ordinal);

    /// <summary>What a person reads next to a permission in the admin screens.</summary>
    public static string Describe(string permission) => permission switch
    {
        KeysRead => "See every API key and its usage",
        KeysWrite => "Create, rotate and revoke any API key",
        KeysRequest => "Request API keys for own services",
        KeysApprove => "Approve or reject key requests",
        KeysVerify => "Verify API keys (services)",
        AuditRead => "Search, export and verify the audit trail",
        AuditManage => "Set retention and legal holds",
        PiiRead => "See personal data unmasked",
        AlertsRead => "See alerts, threats and anomalies",
        AlertsTriage => "Acknowledge, assign and resolve alerts",
        EventsWrite => "Send security events (services)",
        RulesManage => "Manage detection rules",
        ComplianceRead => "Read compliance dashboards and evidence",
        ComplianceManage => "Enable frameworks, set check parameters, approve exceptions, run access reviews",
        ComplianceAttest => "Attest manual compliance controls",
        ReportsRead => "Read reports",
        ReportsWrite => "Build, schedule and publish reports",
        UsersManage => "Invite users and assign roles",
        JobsManage => "Open the background jobs dashboard",
        _ => permission,
    };
}
