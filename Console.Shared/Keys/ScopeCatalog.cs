using System.Text.Json.Serialization;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Shared.Keys;

/// <summary>Written by name ("Low", "Medium", "High") by every serializer, not only the server's.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScopeRisk>))]
public enum ScopeRisk
{
    Low,
    Medium,
    High,
}

public sealed record RequestableScope(string Name, string Description, ScopeRisk Risk);

/// <summary>
/// The scopes a person may request for a key, each with a risk level the request policy reads.
/// The catalogue a new console starts with (<see cref="KeyPolicy.Default"/>); admins edit it in the console.
/// </summary>
public static class ScopeCatalog
{
    public static IReadOnlyList<RequestableScope> All { get; } =
    [
        new(Permissions.KeysVerify, Permissions.Describe(Permissions.KeysVerify), ScopeRisk.Low),
        new(Permissions.EventsWrite, Permissions.Describe(Permissions.EventsWrite), ScopeRisk.Low),
        new(Permissions.AlertsRead, Permissions.Describe(Permissions.AlertsRead), ScopeRisk.Medium),
        new(Permissions.ReportsRead, Permissions.Describe(Permissions.ReportsRead), ScopeRisk.Medium),
        new(Permissions.ComplianceRead, Permissions.Describe(Permissions.ComplianceRead), ScopeRisk.Medium),
        new(Permissions.KeysRead, Permissions.Describe(Permissions.KeysRead), ScopeRisk.Medium),
        new(Permissions.AuditRead, Permissions.Describe(Permissions.AuditRead), ScopeRisk.High),
        new(Permissions.KeysWrite, Permissions.Describe(Permissions.KeysWrite), ScopeRisk.High),
        new(Permissions.UsersManage, Permissions.Describe(Permissions.UsersManage), ScopeRisk.High),
    ];

    public static RequestableScope? Find(string? name) => All.FirstOrDefault(s => s.Name == name);
}
