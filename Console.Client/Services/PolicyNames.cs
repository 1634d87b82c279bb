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
    public const string AlertsTriage = Permissions.PolicyPrefix + Permissions.AlertsTriage;
    public const string RulesManage = Permissions.PolicyPrefix + Permissions.RulesManage;
    public const string KeysRequest = Permissions.PolicyPrefix + Permissions.KeysRequest;
    public const string KeysApprove = Permissions.PolicyPrefix + Permissions.KeysApprove;
    public const string KeysRead = Permissions.PolicyPrefix + Permissions.KeysRead;
    public const string KeysWrite = Permissions.PolicyPrefix + Permissions.KeysWrite;

    /// <summary>Anyone who may see a key: their own (keys:request) or every key (keys:read, keys:write); as the server's key endpoints.</summary>
    public const string KeysSee = Permissions.PolicyPrefix + Permissions.KeysRead + "|" + Permissions.KeysWrite + "|" + Permissions.KeysRequest;

    /// <summary>The any-of policies ("perm:a|b") that pages use; each is registered by <see cref="PermissionPolicies"/>.</summary>
    public static IReadOnlyList<string> AnyOf { get; } = [KeysSee];
    public const string AuditRead = Permissions.PolicyPrefix + Permissions.AuditRead;
    public const string AuditManage = Permissions.PolicyPrefix + Permissions.AuditManage;
    public const string PiiRead = Permissions.PolicyPrefix + Permissions.PiiRead;
    public const string ComplianceRead = Permissions.PolicyPrefix + Permissions.ComplianceRead;
    public const string ReportsRead = Permissions.PolicyPrefix + Permissions.ReportsRead;
    public const string ReportsWrite = Permissions.PolicyPrefix + Permissions.ReportsWrite;
    public const string UsersManage = Permissions.PolicyPrefix + Permissions.UsersManage;
}
