namespace SecurityConsole.Shared.Compliance;

/// <summary>
/// What an evidence file may be. The type a client declares must be what the bytes are (magic numbers for PDF, PNG and
/// JPEG; strict UTF-8 without control characters for plain text and CSV), and it must fit under the size limit.
/// </summary>
public static class EvidenceFiles
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;

    public static readonly IReadOnlyList<string> AllowedTypes = ["application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv"];
}

/// <summary>A file attached to an attestation or an exception: stored in the database as evidence, its SHA-256 in the audit chain.</summary>
public sealed record EvidenceFileView(long Evidence, string FileName, string ContentType, long Size, string Sha256, long? AuditSequence, DateTimeOffset At);

/// <summary>
/// An evidence pack checked: its whole-archive signature (this console's checkpoint key), the manifest's signature, and
/// every file against the manifest's SHA-256. <see cref="Problems"/> name what does not hold.
/// </summary>
public sealed record EvidencePackVerification(
    bool Intact, string Verdict, string? Framework, DateTimeOffset? From, DateTimeOffset? To, int Files, int InChain, IReadOnlyList<string> Problems);
