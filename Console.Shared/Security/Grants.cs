namespace SecurityConsole.Shared.Security;

/// <summary>
/// Who may pass on which permission (docs/decisions/0008-privilege-model.md). Every grant — a key request, an
/// approval, a role, an invitation — stays within what the granting caller holds, so no sequence of grants leads
/// upward; <see cref="AdminOnly"/> is granted only by an admin signed in with two-factor.
/// </summary>
public static class Grants
{
    /// <summary>
    /// Permissions no role grants: what a service does with its key (verify keys, send events). People who request
    /// or approve keys may pass them on although they do not hold them: they read and change nothing of anyone's.
    /// </summary>
    public static IReadOnlySet<string> ServiceScopes { get; } =
        Permissions.All.Where(p => !Roles.All.Any(r => Roles.PermissionsOf(r).Contains(p))).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The permission that makes permissions (whoever holds it assigns roles): granted only by an admin person with
    /// two-factor, never by a key, never by the key policy alone.
    /// </summary>
    public static IReadOnlySet<string> AdminOnly { get; } = new HashSet<string>(StringComparer.Ordinal) { Permissions.UsersManage };

    /// <summary>What a caller holding <paramref name="held"/> may pass on: a key exactly its scopes; a person their permissions and the service scopes.</summary>
    public static IReadOnlySet<string> Grantable(IEnumerable<string> held, bool viaKey)
    {
        var grantable = held.ToHashSet(StringComparer.Ordinal);
        if (!viaKey)
        {
            grantable.UnionWith(ServiceScopes);
        }
        return grantable;
    }

    /// <summary>The permissions of <paramref name="wanted"/> that <paramref name="grantable"/> does not cover, in order, once each; empty when all are covered.</summary>
    public static IReadOnlyList<string> Beyond(IReadOnlySet<string> grantable, IEnumerable<string> wanted) =>
        [.. wanted.Where(p => !grantable.Contains(p)).Distinct(StringComparer.Ordinal)];

    /// <summary>Whether granting these permissions needs an admin signed in with two-factor.</summary>
    public static bool NeedsAdmin(IEnumerable<string> permissions) => permissions.Any(AdminOnly.Contains);

    /// <summary>How a refusal names what a caller may pass on, so that the person reading it knows what to ask for instead.</summary>
    public static string DescribeGrantable(bool viaKey) => viaKey
        ? "a key passes on only its own scopes"
        : $"a person passes on only their own permissions and the service scopes ({string.Join(", ", ServiceScopes)})";
}
