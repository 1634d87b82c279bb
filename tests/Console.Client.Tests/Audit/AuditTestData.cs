using System.Text.Json;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Client.Tests.Audit;

internal static class AuditTestData
{
    public static readonly DateTimeOffset Noon = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public static AuditEntryView Entry(long sequence, string action = "user.roles_changed", string outcome = "success",
        Dictionary<string, string>? personal = null, PersonalDataState state = PersonalDataState.None, string? sourceIp = null) =>
        new(sequence, Noon.AddMinutes(sequence), "admin", action, "user", "6f1c2a9e-0000-4000-8000-000000000001", "user", $"target-{sequence}",
            outcome, sourceIp, $"corr-{sequence}", JsonDocument.Parse("""{"roles":["Admin"]}""").RootElement.Clone(), personal, state,
            personal is null ? null : "pseudonym-abc", $"hash-{sequence:x4}", $"hash-{sequence - 1:x4}");

    /// <summary>Entries from <paramref name="newest"/> down to <paramref name="oldest"/>, newest first, as the API pages them.</summary>
    public static List<AuditEntryView> Entries(long newest, long oldest) =>
        [.. Enumerable.Range(0, (int)(newest - oldest + 1)).Select(i => Entry(newest - i))];

    public static VerifyResult Intact(long from, long to, long head) =>
        new(true, from, to, to - from + 1, null, null, null, 1, head, null);

    public static RetentionPolicy Policy(LegalHoldView? hold = null, int accessDays = 365) => new(
    [
        new("security", 365, 365, [new("PCI DSS v4.0.1", "10.5.1: keep audit log history for at least 12 months", 365)]),
        new("access", accessDays, 365, [new("PCI DSS v4.0.1", "10.5.1: keep audit log history for at least 12 months", 365)]),
        new("admin", 2190, 2190,
        [
            new("PCI DSS v4.0.1", "10.5.1: keep audit log history for at least 12 months", 365),
            new("HIPAA", "164.316(b)(2)(i): keep required documentation for 6 years", 2190),
        ]),
    ], hold);
}
