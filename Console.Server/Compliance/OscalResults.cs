using System.Text.Json;
using System.Text.Json.Nodes;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// The pack's results as an OSCAL 1.1 assessment-results document: one result for the period, a finding per requirement
/// (its status at the period's end: satisfied only when passing), and an observation per evidence item with its SHA-256.
/// Identifiers are derived from content (UUID v5-like over SHA-256) so that the same pack yields the same document.
/// </summary>
public static class OscalResults
{
    public static byte[] Write(Framework framework, IReadOnlyList<Control> controls, IReadOnlyList<PackRow> rows, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        var latest = rows.Where(r => r.Kind == EvidenceKinds.StatusChange && r.From < to)
            .GroupBy(r => r.Subject).ToDictionary(g => g.Key, g => g.MaxBy(r => r.From)!);
        var observations = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
        {
            ["uuid"] = Uuid($"observation:{r.Evidence}"),
            ["title"] = $"Evidence {r.Evidence}: {r.Kind} for {r.Subject}",
            ["description"] = r.Status is null ? $"{r.Kind} recorded; SHA-256 {r.Sha256}." : $"Status {r.Status} (was {r.PreviousStatus}); SHA-256 {r.Sha256}.",
            ["methods"] = new JsonArray(r.Kind == EvidenceKinds.StatusChange ? "AUTOMATED" : "EXAMINE"),
            ["collected"] = r.From.UtcDateTime.ToString("O"),
            ["relevant-evidence"] = new JsonArray(new JsonObject
            {
                ["href"] = $"evidence/{r.Evidence}-{r.Kind}.json",
                ["description"] = $"SHA-256 {r.Sha256}, audit entry {r.AuditSequence?.ToString() ?? "none"}",
            }),
        })]);
        var findings = new JsonArray();
        foreach (var requirement in framework.Requirements.Where(r => r.Assessable))
        {
            var mapped = controls.Where(c => c.Mappings.Any(m => m.Framework == framework.Id && m.Requirement == requirement.Id)).ToList();
            if (mapped.Count == 0)
            {
                continue;
            }
            var statuses = mapped.Select(c => latest.GetValueOrDefault(c.Id)?.Status).OfType<string>().ToList();
            var status = statuses.Count == 0 ? null : ComplianceStatuses.Worst(statuses);
            findings.Add(new JsonObject
            {
                ["uuid"] = Uuid($"finding:{framework.Id}:{requirement.Id}"),
                ["title"] = $"{requirement.Id} {requirement.Title}",
                ["description"] = $"Controls: {string.Join(", ", mapped.Select(c => c.Id))}. Status at the end of the period: {status ?? "not evaluated"}. {ComplianceScope.Statement}",
                ["target"] = new JsonObject
                {
                    ["type"] = "objective-id",
                    ["target-id"] = requirement.Id,
                    ["status"] = new JsonObject { ["state"] = status is not null && ComplianceStatuses.IsPassing(status) ? "satisfied" : "not-satisfied" },
                },
                ["related-observations"] = new JsonArray([.. rows.Where(r => mapped.Any(c => c.Id == r.Subject))
                    .Select(r => (JsonNode)new JsonObject { ["observation-uuid"] = Uuid($"observation:{r.Evidence}") })]),
            });
        }
        var document = new JsonObject
        {
            ["assessment-results"] = new JsonObject
            {
                ["uuid"] = Uuid($"results:{framework.Id}:{from:O}:{to:O}:{now:O}"),
                ["metadata"] = new JsonObject
                {
                    ["title"] = $"{framework.Name} ({framework.Version}): evidence about this console",
                    ["last-modified"] = now.UtcDateTime.ToString("O"),
                    ["version"] = "1",
                    ["oscal-version"] = "1.1.2",
                    ["remarks"] = ComplianceScope.Statement,
                },
                ["import-ap"] = new JsonObject { ["href"] = $"#{framework.Id}" },
                ["results"] = new JsonArray(new JsonObject
                {
                    ["uuid"] = Uuid($"result:{framework.Id}:{from:O}:{to:O}"),
                    ["title"] = $"Continuous evaluation, {from:yyyy-MM-dd} to {to:yyyy-MM-dd}",
                    ["description"] = "Controls evaluated continuously against the console's live state; statuses from the recorded history.",
                    ["start"] = from.UtcDateTime.ToString("O"),
                    ["end"] = to.UtcDateTime.ToString("O"),
                    ["reviewed-controls"] = new JsonObject
                    {
                        ["control-selections"] = new JsonArray(new JsonObject
                        {
                            ["include-controls"] = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject { ["control-id"] = f!["target"]!["target-id"]!.GetValue<string>().ToLowerInvariant() })]),
                        }),
                    },
                    ["observations"] = observations,
                    ["findings"] = findings,
                }),
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>A version-5-shaped UUID from a name, so that the same inputs give the same identifiers.</summary>
    private static string Uuid(string name)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("security-console:" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(Convert.ToHexString(hash, 0, 16)).ToString();
    }
}
