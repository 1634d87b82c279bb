using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Audit;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>One file of a pack as the manifest lists it: its SHA-256 and the audit entry that holds it (or the export's).</summary>
public sealed record PackFile(string Path, string Sha256, long Size, long? AuditSequence, long? Evidence);

public sealed record PackManifest(
    int Format, string Kind, string Framework, string FrameworkName, string FrameworkVersion, DateTimeOffset From, DateTimeOffset To,
    DateTimeOffset GeneratedAt, string Scope, string KeyId, long ExportAuditSequence, IReadOnlyList<PackFile> Files);

/// <summary>
/// The evidence pack of a framework over a period: every evidence item in force during it (status changes, attestations,
/// exceptions, their files, access reviews), the results as CSV and as OSCAL assessment results, the posture report (HTML and
/// PDF, <see cref="PostureReport"/>), the checkpoint key's public
/// half, and a manifest of every file's SHA-256 and audit sequence. The export is audited; the manifest is signed, and the
/// whole archive is signed in its comment (<see cref="PackSignature"/>), both with the audit checkpoint key.
/// </summary>
public sealed class EvidencePacks(
    ConsoleDbContext db, ComplianceCatalogue catalogue, AuditFacts auditFacts, AuditTrail audit, PostureReport report, TimeProvider clock)
{
    public const string ManifestPath = "manifest.json";
    public const string ManifestSignaturePath = "manifest.sig";
    public const string PackKind = "security-console-evidence-pack";
    public const string ReadmePath = "README.txt";

    /// <summary>Writes the pack into <paramref name="output"/> (seekable, empty); false when there is no such framework.</summary>
    public async Task<bool> WriteAsync(string frameworkId, DateTimeOffset from, DateTimeOffset to, Stream output, CancellationToken ct)
    {
        if (catalogue.Framework(frameworkId) is not { } framework)
        {
            return false;
        }
        var now = clock.GetUtcNow();
        var controls = catalogue.Controls.Where(c => c.Mappings.Any(m => m.Framework == framework.Id)).ToList();
        var controlIds = controls.Select(c => c.Id).ToList();
        var attestations = await db.ComplianceAttestations.AsNoTracking().Where(a => controlIds.Contains(a.ControlId)).Select(a => a.Id).ToListAsync(ct);
        var exceptions = await db.ComplianceExceptions.AsNoTracking().Where(e => controlIds.Contains(e.ControlId)).Select(e => e.Id).ToListAsync(ct);
        var subjects = controlIds
            .Concat(attestations.Select(id => EvidenceUploads.Subject(EvidenceUploads.ToAttestation, id)))
            .Concat(exceptions.Select(id => EvidenceUploads.Subject(EvidenceUploads.ToException, id))).ToList();
        var reviews = controlIds.Contains("access-review");
        // What was in force at any moment of the period.
        var items = await db.ComplianceEvidence.AsNoTracking()
            .Where(e => (subjects.Contains(e.Subject) || (reviews && e.Kind == EvidenceKinds.AccessReview))
                && e.EffectiveFrom < to && (e.EffectiveTo == null || e.EffectiveTo > from))
            .OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Kind, e.Subject, e.Status, e.PreviousStatus, e.EffectiveFrom, e.EffectiveTo, e.Payload, e.Sha256, e.AuditSequence, e.FileName, HasContent = e.Content != null })
            .ToListAsync(ct);

        var files = new List<PackFile>();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var item in items)
            {
                files.Add(Add(zip, $"evidence/{item.Id}-{item.Kind}.json", Encoding.UTF8.GetBytes(item.Payload), item.AuditSequence, item.Id));
                if (item.HasContent)
                {
                    var content = await db.ComplianceEvidence.AsNoTracking().Where(e => e.Id == item.Id).Select(e => e.Content!).SingleAsync(ct);
                    files.Add(Add(zip, $"evidence/{item.Id}-file/{SafeName(item.FileName)}", content, item.AuditSequence, item.Id));
                }
            }
            var requirementsOf = controls.ToDictionary(c => c.Id, c => string.Join(' ', c.Mappings.Where(m => m.Framework == framework.Id).Select(m => m.Requirement)));
            var rows = items.Select(i => new PackRow(
                i.Id, i.Kind, i.Subject, requirementsOf.GetValueOrDefault(i.Subject) ?? "", i.Status, i.PreviousStatus, i.EffectiveFrom, i.EffectiveTo, i.Sha256, i.AuditSequence)).ToList();
            var key = await auditFacts.PackKeyAsync(ct);
            var generated = new List<(string Path, byte[] Bytes)>
            {
                ("results.csv", await CsvAsync(rows, ct)),
                ("oscal/assessment-results.json", OscalResults.Write(framework, controls, rows, from, to, now)),
                ("public-key.pem", Encoding.ASCII.GetBytes(key.PublicPem)),
            };
            // The posture report (HTML, and its PDF where Chromium is installed), rendered by the Reports feature's built-in
            // compliance-posture template, and a note on what the pack holds: generated files, hashed, listed and signed.
            generated.AddRange(await report.FilesAsync(framework, from, to, ct));
            generated.Add((ReadmePath, Readme(framework, from, to, now, items.Count)));
            // The export is audited; its entry holds a digest of every file, so the generated files have an audit sequence too.
            var digest = Digest(files.Concat(generated.Select(g => new PackFile(g.Path, Hex(SHA256.HashData(g.Bytes)), g.Bytes.Length, null, null))));
            var entry = audit.Record(new AuditEvent(AuditCategories.Audit, AuditActions.CompliancePackExported, "compliance_framework", framework.Id,
                Data: new { from, to, files = files.Count + generated.Count, sha256 = digest }));
            await db.SaveChangesAsync(ct);
            files.AddRange(generated.Select(g => Add(zip, g.Path, g.Bytes, entry.Sequence, null)));

            var manifest = JsonSerializer.SerializeToUtf8Bytes(new PackManifest(
                1, PackKind, framework.Id, framework.Name, framework.Version, from, to, now, ComplianceScope.Statement,
                key.KeyId, entry.Sequence, files), ManifestJson);
            Write(zip, ManifestPath, manifest);
            var signed = await auditFacts.SignPackAsync(SHA256.HashData(manifest), ct);
            Write(zip, ManifestSignaturePath, Encoding.ASCII.GetBytes(Convert.ToBase64String(signed.Signature)));
        }
        var whole = await auditFacts.SignPackAsync(PackSignature.HashUnsigned(output), ct);
        PackSignature.Append(output, whole.KeyId, whole.Signature);
        output.Position = 0;
        return true;
    }

    /// <summary>What a recipient reads first: what the pack is, its scope, what it holds and how to check it.</summary>
    private static byte[] Readme(Framework framework, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, int evidenceItems) => Encoding.UTF8.GetBytes(
        $"""
        Evidence pack: {framework.Name} (framework file version {framework.Version})
        Period: {Stamp(from)} to {Stamp(to)} (UTC). Exported {Stamp(now)} UTC.

        {ComplianceScope.Statement}

        What it holds
        - evidence/: the {evidenceItems} evidence items in force during the period (status changes, attestations, exceptions,
          their files, access reviews), each as recorded, with its SHA-256 in the audit chain.
        - results.csv and oscal/assessment-results.json: the same items as CSV and as OSCAL assessment results.
        - {PostureReport.HtmlPath} (and .pdf where the console could print it): the compliance posture report of the
          framework over the period, the same report the console's Reports page renders.
        - public-key.pem: the public half of the audit checkpoint key.

        How to check it
        {ManifestPath} lists every file with its SHA-256 and the audit sequence that holds it; {ManifestSignaturePath} signs
        the manifest, and the archive's comment signs the whole archive, both with the audit checkpoint key.
        `admin verify-pack FILE` or POST /api/v1/compliance/packs/verify rejects a pack in which any byte changed.

        """.ReplaceLineEndings("\n"));

    internal static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerOptions.Web) { WriteIndented = true };

    /// <summary>The digest the export's audit entry holds: SHA-256 over "path sha256" lines in manifest order.</summary>
    internal static string Digest(IEnumerable<PackFile> files) =>
        Hex(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(files.Select(f => $"{f.Path} {f.Sha256}\n")))));

    private static PackFile Add(ZipArchive zip, string path, byte[] bytes, long? auditSequence, long? evidence)
    {
        Write(zip, path, bytes);
        return new PackFile(path, Hex(SHA256.HashData(bytes)), bytes.LongLength, auditSequence, evidence);
    }

    private static void Write(ZipArchive zip, string path, byte[] bytes)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(bytes);
    }

    private static async Task<byte[]> CsvAsync(IReadOnlyList<PackRow> rows, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            csv.WriteHeader(["evidence", "kind", "subject", "requirements", "status", "previousStatus", "effectiveFrom", "effectiveTo", "sha256", "auditSequence"]);
            foreach (var r in rows)
            {
                foreach (var f in (string?[])[r.Evidence.ToString(CultureInfo.InvariantCulture), r.Kind, r.Subject, r.Requirements, r.Status, r.PreviousStatus,
                    Time(r.From), r.To is { } to ? Time(to) : "", r.Sha256, r.AuditSequence?.ToString(CultureInfo.InvariantCulture)])
                {
                    csv.WriteField(f ?? "");
                }
                await csv.EndRecordAsync(ct);
            }
            await csv.FlushAsync(ct);
        }
        return buffer.ToArray();
    }

    private static string SafeName(string? name)
    {
        var safe = new string((name ?? "file").Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).Trim('.');
        return safe.Length == 0 ? "file" : safe[..Math.Min(safe.Length, 100)];
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    internal static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}

/// <summary>One evidence item as the CSV and OSCAL outputs see it.</summary>
public sealed record PackRow(
    long Evidence, string Kind, string Subject, string Requirements, string? Status, string? PreviousStatus, DateTimeOffset From, DateTimeOffset? To,
    string Sha256, long? AuditSequence);
