using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>The file an evidence item carries, as it was uploaded.</summary>
public sealed record EvidenceFile(string? FileName, string? ContentType, byte[] Content);

/// <summary>Reads of evidence items: one re-hashed and placed in the audit chain, or the file it carries.</summary>
public sealed class EvidenceQueries(ConsoleDbContext db, AuditFacts audit)
{
    /// <summary>The item re-hashed and looked up in its audit entry; null when there is no such item.</summary>
    public async Task<EvidenceVerification?> VerifyAsync(long id, CancellationToken ct)
    {
        var item = await db.ComplianceEvidence.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct);
        return item is null ? null : await VerifyAsync(item, audit, ct);
    }

    /// <summary>The file of a file item; null when there is no such item or it carries no file.</summary>
    public async Task<EvidenceFile?> FileAsync(long id, CancellationToken ct) =>
        await db.ComplianceEvidence.AsNoTracking()
            .Where(e => e.Id == id && e.Kind == EvidenceKinds.File && e.Content != null)
            .Select(e => new EvidenceFile(e.FileName, e.ContentType, e.Content!)).FirstOrDefaultAsync(ct);

    private static async Task<EvidenceVerification> VerifyAsync(EvidenceItem item, AuditFacts audit, CancellationToken ct)
    {
        var computed = ControlStatusRecorder.Sha256(Encoding.UTF8.GetBytes(item.Payload));
        var fileIntact = item.Content is null || Payload(item.Payload, "contentSha256") == ControlStatusRecorder.Sha256(item.Content);
        var entry = item.AuditSequence is { } seq ? await audit.EntryAsync(seq, ct) : null;
        // The entry holds the hash and, but for back-dated demo history, the item's id.
        var id = item.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var inChain = entry is { Data: { } data } && Payload(data, "sha256") == item.Sha256 && (Payload(data, "evidence") is not { } named || named == id);
        var intact = computed == item.Sha256 && fileIntact && inChain;
        var verdict = intact
            ? $"Intact: the SHA-256 matches and audit entry {item.AuditSequence} holds it; the chain's signed checkpoints cover that entry."
            : computed != item.Sha256 || !fileIntact
                ? "Altered: the evidence no longer hashes to what was recorded."
                : "Not found in the audit chain: the entry that should hold its hash is missing or holds another.";
        return new EvidenceVerification(item.Id, item.Kind, intact, item.Sha256, computed, item.AuditSequence, inChain, verdict);
    }

    /// <summary>A top-level property of a JSON object as text (numbers as written), or null.</summary>
    private static string? Payload(string json, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(property, out var v)
                ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
