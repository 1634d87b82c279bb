using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// Signed checkpoints: "the chain's hash at sequence N was H", signed with the console's ECDSA P-256
/// key. Retention may drop entries up to a checkpoint; verification then starts from its signed hash.
/// </summary>
public sealed class AuditCheckpoints(ConsoleDbContext db, AuditKeys keys, TimeProvider clock)
{
    /// <summary>The exact text that is signed (UTF-8), documented so that outside tools can check it.</summary>
    public static string Payload(long sequence, byte[] hash, DateTimeOffset time) =>
        $"security-console-audit-checkpoint:v1:{sequence}:{Convert.ToHexStringLower(hash)}:{time.UtcDateTime:yyyy-MM-ddTHH:mm:ss.ffffffZ}";

    /// <summary>Signs the current head unless a checkpoint already covers it. Returns the newest checkpoint.</summary>
    public async Task<AuditCheckpoint?> CreateAsync(CancellationToken ct)
    {
        var head = await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
        var latest = await LatestAsync(ct);
        if (head.LastSequence == 0 || latest?.Sequence >= head.LastSequence)
        {
            return latest;
        }
        var key = await keys.SigningKeyAsync(ct);
        var time = AuditHash.Truncate(clock.GetUtcNow());
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(key.Pkcs8, out _);
        var checkpoint = new AuditCheckpoint
        {
            Sequence = head.LastSequence,
            Hash = head.LastHash,
            Time = time,
            KeyId = key.KeyId,
            Signature = ecdsa.SignData(Encoding.UTF8.GetBytes(Payload(head.LastSequence, head.LastHash, time)),
                HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
        };
        db.AuditCheckpoints.Add(checkpoint);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another node signed the same head at the same moment.
            db.ChangeTracker.Clear();
        }
        return await LatestAsync(ct);
    }

    public Task<AuditCheckpoint?> LatestAsync(CancellationToken ct) =>
        db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).FirstOrDefaultAsync(ct);

    public async Task<bool> IsValidAsync(AuditCheckpoint checkpoint, CancellationToken ct)
    {
        var key = await keys.SigningKeyAsync(ct);
        if (checkpoint.KeyId != key.KeyId)
        {
            return false;
        }
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.PublicKey, out _);
        return ecdsa.VerifyData(Encoding.UTF8.GetBytes(Payload(checkpoint.Sequence, checkpoint.Hash, checkpoint.Time)),
            checkpoint.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    public static CheckpointView View(AuditCheckpoint c) => new(
        c.Sequence, Convert.ToHexStringLower(c.Hash), c.Time, c.KeyId, Convert.ToBase64String(c.Signature), Payload(c.Sequence, c.Hash, c.Time));
}

/// <summary>Recurring job: a checkpoint every <c>Audit:CheckpointEvery</c> entries (default 1000), or hourly when anything was appended.</summary>
public sealed class AuditCheckpointJob(
    ConsoleDbContext db, AuditCheckpoints checkpoints, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditCheckpointJob> logger)
{
    public const string Id = "audit-checkpoint";

    public async Task RunAsync(CancellationToken ct)
    {
        var every = options.Value.CheckpointEvery;
        var head = await db.AuditChainHead.AsNoTracking().SingleAsync(ct);
        var latest = await checkpoints.LatestAsync(ct);
        var since = head.LastSequence - (latest?.Sequence ?? 0);
        var due = since >= every || (since > 0 && (latest is null || clock.GetUtcNow() - latest.Time >= TimeSpan.FromHours(1)));
        if (due)
        {
            var made = await checkpoints.CreateAsync(ct);
            logger.LogInformation("Audit checkpoint signed at sequence {Sequence}", made?.Sequence);
        }
    }
}
