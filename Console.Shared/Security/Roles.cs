namespace SecurityConsole.Shared.Security;

/// <summary>The console's roles and the permissions each one grants.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string SecurityAnalyst = "SecurityAnalyst";
    public const string Auditor = "Auditor";
    public const string Approver = "Approver";
    public const string Developer = "Developer";

    public static IReadOnlyList<string> All { get; } = [Admin, SecurityAnalyst, Auditor, Approver, Developer];

    private static readonly Dictionary<string, string[]> Grants = new(StringComparer.Ordinal)
    {
        [Admin] = [.. Permissions.All.Where(p => p is not Permissions.KeysVerify and not Permissions.EventsWrite)],
        // pii:read: an analyst acts on who and from where (locks the account, blocks the address, talks to the person),
        // and notes are the analysts' shared record; ADR 0065. Auditors follow people by pseudonym instead.
        [SecurityAnalyst] =
        [
            Permissions.AlertsRead, Permissions.AlertsTriage, Permissions.KeysRead, Permissions.AuditRead,
            Permissions.ComplianceRead, Permissions.ReportsRead, Permissions.KeysRequest, Permissions.PiiRead,
        ],
        [Auditor] =
        [
            Permissions.AuditRead, Permissions.ComplianceRead, Permissions.ReportsRead, Permissions.ReportsWrite,
            Permissions.KeysRead, Permissions.AlertsRead,
        ],
        [Approver] = [Permissions.KeysRead, Permissions.KeysApprove, Permissions.KeysRequest],
        [Developer] = [Permissions.KeysRequest],
    };

    public static bool IsKnown(string role) => Grants.ContainsKey(role);

    public static IReadOnlyList<string> PermissionsOf(string role) =>
        Grants.TryGetValue(role, out var granted) ? granted : [];

    public static IReadOnlySet<string> PermissionsOf(IEnumerable<string> roles) =>
        roles.SelectMany(PermissionsOf).ToHashSet(StringComparer.Ordinal);

    /// <summary>The role as people read it ("Security analyst"); the name itself stays the identifier in the API and the CLI.</summary>
    public static string DisplayName(string role) => role switch
    {
        SecurityAnalyst => "Security analyst",
        _ => role,
    };

    public static string Describe(string role) => role switch
    {
        Admin => "Runs the console: users, roles, policies, everything",
        SecurityAnalyst => "Watches and triages alerts, investigates threats",
        Auditor => "Reads compliance, audit and reports; read-only elsewhere",
        Approver => "Approves API key requests from other teams",
        Developer => "Requests and manages own API keys",
        _ => role,
    };
}
