using SecurityConsole.Shared.Detection;

namespace SecurityConsole.Client.Tests.Alerts;

public static class AlertTestData
{
    public static AlertView Alert(long id, string title = "Brute force on key sc_live_ab12", string severity = AlertSeverities.High,
        string status = AlertStatuses.Open, int count = 1, int version = 1, DateTimeOffset? lastSeen = null, string rule = "brute-force", string? summary = null) =>
        new(id, rule, "Brute force", RuleTypes.BruteForce, severity, status, EntityKinds.Key, "sc_live_ab12", title,
            (lastSeen ?? DateTimeOffset.UtcNow).AddMinutes(-10), lastSeen ?? DateTimeOffset.UtcNow, count, null, null, 0, null,
            DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow, null, version, summary);
}
