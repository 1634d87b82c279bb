using SecurityConsole.Shared.Keys;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Decides whether a request needs a person to approve it: a non-production key whose scopes are all
/// low risk is approved at once; anything else waits for an approver. Policies admins edit come later.
/// </summary>
public static class KeyRequestPolicy
{
    public static bool AutoApproves(KeyRequestCreate request) =>
        request.Environment != KeyEnvironments.Production &&
        request.Scopes.All(s => ScopeCatalog.Find(s)?.Risk == ScopeRisk.Low);
}
