using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Compliance;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Checks an evidence pack: the whole-archive signature first (any changed byte breaks it), then, to say what changed,
/// the manifest's own signature, every file against its SHA-256 (nothing missing, nothing added), and each evidence
/// file's hash in the audit entry the manifest names (entries retention has dropped are counted apart, not as failures).
/// </summary>
public sealed class EvidencePackVerifier(AuditFacts auditFacts)
{
    /// <summary>How far an entry may inflate: a pack's files are JSON, CSV and uploads well under the upload limit.</summary>
    private const long MaxEntryBytes = 512L * 1024 * 1024;

    public async Task<EvidencePackVerification> VerifyAsync(byte[] pack, CancellationToken ct)
    {
        var problems = new List<string>();
        if (PackSignature.Read(pack) is not { } outer)
        {
            return Refused("The pack carries no signature in its zip comment: it was not made by a console, or its end was changed.");
        }
        var signed = await auditFacts.VerifyPackAsync(outer.Sha256, outer.KeyId, outer.Signature, ct);
        if (!signed)
        {
            problems.Add($"The pack's signature does not match its bytes, or key {outer.KeyId} is not this console's checkpoint key.");
        }
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(pack, writable: false), ZipArchiveMode.Read);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            problems.Add($"The pack is not a readable zip: {ex.Message}");
            return Result(problems, null, 0, 0);
        }
        using (zip)
        {
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            try
            {
                // The central directory is read here, lazily: a changed byte in it shows now.
                foreach (var entry in zip.Entries)
                {
                    if (!entries.TryAdd(entry.FullName, entry))
                    {
                        problems.Add($"{entry.FullName} appears twice.");
                    }
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
            {
                problems.Add($"The pack's directory cannot be read: {ex.Message}");
                return Result(problems, null, 0, 0);
            }
            if (!entries.TryGetValue(EvidencePacks.ManifestPath, out var manifestEntry) || !entries.TryGetValue(EvidencePacks.ManifestSignaturePath, out var sigEntry))
            {
                problems.Add("The manifest or its signature is missing.");
                return Result(problems, null, 0, 0);
            }
            var manifestBytes = Read(manifestEntry, 16 * 1024 * 1024, problems);
            var sigText = Read(sigEntry, 1024, problems);
            PackManifest? manifest = null;
            try
            {
                manifest = manifestBytes is null ? null : JsonSerializer.Deserialize<PackManifest>(manifestBytes, EvidencePacks.ManifestJson);
            }
            catch (JsonException ex)
            {
                problems.Add($"The manifest is not valid JSON: {ex.Message}");
            }
            if (manifest is null || manifest.Kind != EvidencePacks.PackKind || manifest.Files is null)
            {
                problems.Add("The manifest is not an evidence pack manifest.");
                return Result(problems, null, 0, 0);
            }
            if (sigText is null || !await ManifestSignedAsync(manifestBytes!, manifest.KeyId, sigText, ct))
            {
                problems.Add("The manifest's signature does not match it.");
            }
            var inChain = 0;
            foreach (var file in manifest.Files)
            {
                if (!entries.Remove(file.Path, out var entry))
                {
                    problems.Add($"{file.Path} is listed in the manifest but missing.");
                    continue;
                }
                var bytes = Read(entry, Math.Min(file.Size, MaxEntryBytes), problems);
                if (bytes is null)
                {
                    continue;
                }
                var sha = EvidencePacks.Hex(SHA256.HashData(bytes));
                if (sha != file.Sha256)
                {
                    problems.Add($"{file.Path} was changed: its SHA-256 is {sha}, the manifest says {file.Sha256}.");
                }
                // The chain is asked only about a pack whose signature holds: otherwise the verdict is already given.
                else if (signed && file.Evidence is not null && file.AuditSequence is { } seq)
                {
                    var audited = await auditFacts.EntryAsync(seq, ct);
                    if (audited is { Data: { } data } && data.Contains(sha, StringComparison.Ordinal))
                    {
                        inChain++;
                    }
                    else if (audited is not null)
                    {
                        problems.Add($"{file.Path}: audit entry {seq} does not hold its SHA-256.");
                    }
                }
            }
            problems.AddRange(entries.Keys.Where(k => k is not (EvidencePacks.ManifestPath or EvidencePacks.ManifestSignaturePath))
                .Select(k => $"{k} is in the pack but not in the manifest."));
            return Result(problems, manifest, manifest.Files.Count, inChain);
        }
    }

    private async Task<bool> ManifestSignedAsync(byte[] manifest, string keyId, byte[] sigText, CancellationToken ct)
    {
        try
        {
            return await auditFacts.VerifyPackAsync(SHA256.HashData(manifest), keyId, Convert.FromBase64String(Encoding.ASCII.GetString(sigText)), ct);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>An entry's bytes, refusing more than <paramref name="max"/> (a zip bomb or a lying size) or an unreadable entry.</summary>
    private static byte[]? Read(ZipArchiveEntry entry, long max, List<string> problems)
    {
        try
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > max)
                {
                    problems.Add($"{entry.FullName} is larger than the manifest says.");
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
        {
            problems.Add($"{entry.FullName} cannot be read: {ex.Message}");
            return null;
        }
    }

    private static EvidencePackVerification Result(List<string> problems, PackManifest? m, int files, int inChain) => new(
        problems.Count == 0,
        problems.Count == 0
            ? $"Intact: signed by this console's checkpoint key; all {files} files match the manifest; {inChain} evidence files found in the audit chain."
            : $"Altered: {problems[0]}",
        m?.Framework, m?.From, m?.To, files, inChain, problems);

    private static EvidencePackVerification Refused(string reason) => new(false, $"Altered: {reason}", null, null, null, 0, 0, [reason]);
}
