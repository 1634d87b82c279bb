using SecurityConsole.Shared.Security;

namespace SecurityConsole.Client.Services;

/// <summary>
/// The permission policies as constants, for <c>[Authorize(Policy = ...)]</c> on pages, where
/// <see cref="Permissions.Policy"/> cannot be called. Each equals <c>Permissions.Policy(permission)</c>.
/// </summary>
public static class PolicyNames
{
    public const string SignedIn = "signed-in";
    public const string AlertsRead = Permissions.PolicyPrefix + Permissions.AlertsRead;
    public const string KeysRequest = Permissions.PolicyPrefix + Permissions.KeysRequest;
    public const string AuditRead = Permissions.PolicyPrefix + Permissions.AuditRead;
    public const string AuditManage = Permissions.PolicyPrefix + Permissions.AuditManage;
    public const string PiiRead = Permissions.PolicyPrefix + Permissions.PiiRead;
    public const string ComplianceRead = Permissions.PolicyPrefix + Permissions.ComplianceRead;
    public const string ReportsRead = Permissions.PolicyPrefix + Permissions.ReportsRead;
    public const string UsersManage = Permissions.PolicyPrefix + Permissions.UsersManage;
}
