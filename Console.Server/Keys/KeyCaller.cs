using SecurityConsole.Server.Security;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Who is calling a key endpoint: a person, or a machine with a key. A key acts for its owner, but only within its
/// own scopes (ADR 0008): it reaches the owner's keys it <see cref="Covers"/>, and passes on only its scopes.
/// </summary>
public sealed record KeyCaller(string UserId, Guid? KeyId, IReadOnlySet<string> Granted)
{
    public bool Can(string permission) => Granted.Contains(permission);

    public bool IsKey => KeyId is not null;

    /// <summary>What this caller may put on a key it requests or approves.</summary>
    public IReadOnlySet<string> Grantable => Grants.Grantable(Granted, IsKey);

    /// <summary>
    /// Whether this caller may act on <paramref name="key"/> as (or for) its owner: always for a person; for a key,
    /// only when every scope of <paramref name="key"/> is one of its own (itself included), so that a narrow key never
    /// collects, rotates or switches on a wider sibling.
    /// </summary>
    public bool Covers(ApiKey key) => !IsKey || key.ScopeList.All(Granted.Contains);

    /// <summary>The scope's caller as the keys see it; a key endpoint is never called without one.</summary>
    public static KeyCaller From(Caller caller) => new(
        caller.UserId ?? throw new InvalidOperationException("An authenticated caller has no id."), caller.KeyId, caller.Granted);
}
