using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Audit;

/// <summary>What a recent entry records, for the completeness check: no data, no personal fields.</summary>
public sealed record AuditEntryFact(long Sequence, DateTimeOffset Time, string Category, string Action, string ActorType, string ActorId, string Outcome, string? TargetType);

public sealed record CheckpointFact(long Sequence, DateTimeOffset Time, bool Valid);

public sealed record ErasureFact(Guid KeyId, DateTimeOffset? ErasedAt, bool KeyDestroyed);

/// <summary>The Audit feature's read door for other features (compliance checks): chain, checkpoints, retention and entries.</summary>
public sealed class AuditFacts(ConsoleDbContext db, AuditVerifier verifier, AuditCheckpoints checkpoints, AuditAdmin admin, AuditKeys keys)
{
    public Task<Shared.Audit.VerifyResult> VerifyChainAsync(CancellationToken ct) => verifier.VerifyAsync(null, null, ct);

    /// <summary>Verifies the entries from <paramref name="fromSequence"/> to the head, anchored on the stored hash of the entry before it.</summary>
    public Task<Shared.Audit.VerifyResult> VerifyChainFromAsync(long fromSequence, CancellationToken ct) => verifier.VerifyAsync(fromSequence, null, ct);

    /// <summary>The latest full verification the chain verification job recorded in the trail (ADR 0130), or null.</summary>
    public Task<ChainVerificationFact?> LastFullVerificationAsync(CancellationToken ct) => AuditChainVerificationJob.LatestAsync(db, ct);

    public async Task<(long Head, DateTimeOffset? HeadTime)> HeadAsync(CancellationToken ct)
    {
        var head = await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
        return (head.LastSequence, head.LastTime);
    }

    public async Task<CheckpointFact?> LatestCheckpointAsync(CancellationToken ct) =>
        await checkpoints.LatestAsync(ct) is { } cp ? new CheckpointFact(cp.Sequence, cp.Time, await checkpoints.IsValidAsync(cp, ct)) : null;

    public Task<Shared.Audit.RetentionPolicy> RetentionAsync(CancellationToken ct) => admin.PolicyAsync(ct);

    /// <summary>The most recent entries, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntryFact>> RecentAsync(int count, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Sequence).Take(count)
            .Select(e => new AuditEntryFact(e.Sequence, e.Time, e.Category, e.Action, e.ActorType, e.ActorId, e.Outcome, e.TargetType))
            .ToListAsync(ct);

    /// <summary>Whether any entry of this category (and action prefix) was written at or after <paramref name="since"/>.</summary>
    public Task<bool> AnyAsync(string category, string? actionPrefix, DateTimeOffset since, CancellationToken ct) =>
        db.AuditEntries.AnyAsync(e => e.Category == category && e.Time >= since && (actionPrefix == null || e.Action.StartsWith(actionPrefix)), ct);

    /// <summary>Successful entries of one action since a time: actor and target, as the role-grant check needs them.</summary>
    public async Task<IReadOnlyList<(long Sequence, string ActorType, string ActorId, string? TargetId, DateTimeOffset Time)>> ActionsAsync(
        string action, DateTimeOffset since, CancellationToken ct) =>
        [.. (await db.AuditEntries.AsNoTracking().Where(e => e.Action == action && e.Outcome == AuditOutcomes.Success && e.Time >= since)
            .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.ActorType, e.ActorId, e.TargetId, e.Time }).ToListAsync(ct))
            .Select(e => (e.Sequence, e.ActorType, e.ActorId, e.TargetId, e.Time))];

    /// <summary>
    /// Every successful entry of these actions, oldest first, with its time and clear data (no personal part): how a setting
    /// that is audited at every change stood at a past moment (the compliance posture report's enabled frameworks).
    /// </summary>
    public async Task<IReadOnlyList<(long Sequence, DateTimeOffset Time, string Action, string? TargetId, string? Data)>> HistoryAsync(
        string[] actions, CancellationToken ct) =>
        [.. (await db.AuditEntries.AsNoTracking().Where(e => actions.Contains(e.Action) && e.Outcome == AuditOutcomes.Success)
            .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.Time, e.Action, e.TargetId, e.Data }).ToListAsync(ct))
            .Select(e => (e.Sequence, e.Time, e.Action, e.TargetId, e.Data))];

    /// <summary>Subject keys that were erased, and whether the key material is gone.</summary>
    public async Task<IReadOnlyList<ErasureFact>> ErasuresAsync(CancellationToken ct) =>
        await db.AuditSubjectKeys.AsNoTracking().Where(k => k.ErasedAt != null)
            .Select(k => new ErasureFact(k.Id, k.ErasedAt, k.ProtectedKey == null)).ToListAsync(ct);

    /// <summary>An entry's sequence and stored hash, to place evidence in the chain.</summary>
    public async Task<(long Sequence, string? Data)?> EntryAsync(long sequence, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == sequence).Select(e => new { e.Sequence, e.Data }).FirstOrDefaultAsync(ct) is { } e
            ? (e.Sequence, e.Data) : null;

    /// <summary>The text an evidence pack's signature covers: a domain of its own, so it can never pass for a checkpoint's.</summary>
    public static string PackPayload(byte[] sha256) => $"security-console-evidence-pack:v1:{Convert.ToHexStringLower(sha256)}";

    /// <summary>The checkpoint key's id and public half (PEM), which evidence packs carry.</summary>
    public async Task<(string KeyId, string PublicPem)> PackKeyAsync(CancellationToken ct)
    {
        var key = await keys.SigningKeyAsync(ct);
        return (key.KeyId, key.PublicPem);
    }

    /// <summary>Signs the SHA-256 of an evidence pack (or its manifest) with the checkpoint key: its id, the DER signature and the public key's PEM.</summary>
    public async Task<(string KeyId, byte[] Signature, string PublicPem)> SignPackAsync(byte[] sha256, CancellationToken ct)
    {
        var key = await keys.SigningKeyAsync(ct);
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(key.Pkcs8, out _);
        var signature = ecdsa.SignData(System.Text.Encoding.UTF8.GetBytes(PackPayload(sha256)),
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
        return (key.KeyId, signature, key.PublicPem);
    }

    /// <summary>Whether this console's checkpoint key (and no other) made <paramref name="signature"/> over the pack's SHA-256.</summary>
    public async Task<bool> VerifyPackAsync(byte[] sha256, string keyId, byte[] signature, CancellationToken ct)
    {
        var key = await keys.SigningKeyAsync(ct);
        if (keyId != key.KeyId)
        {
            return false;
        }
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        return ecdsa.VerifyData(System.Text.Encoding.UTF8.GetBytes(PackPayload(sha256)), signature,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
    }
}
