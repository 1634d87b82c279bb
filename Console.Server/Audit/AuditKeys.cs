using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// The audit trail's own secrets: the ECDSA P-256 key that signs checkpoints and the HMAC key
/// behind subject pseudonyms. Generated on first use, stored in the database protected by ASP.NET
/// Data Protection (whose key ring is in the same database), cached per process.
/// </summary>
public sealed class AuditKeys(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock)
{
    private const string SigningName = "checkpoint-signing-p256-v1";
    private const string PseudonymName = "subject-pseudonym-hmac-v1";

    private readonly IDataProtector _protector = protection.CreateProtector("SecurityConsole.Audit.Secrets.v1");
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _pseudonymKey;
    private SigningKey? _signing;

    /// <summary>The checkpoint key: PKCS#8 private key, SubjectPublicKeyInfo, its id and PEM.</summary>
    public sealed record SigningKey(string KeyId, byte[] Pkcs8, byte[] PublicKey, string PublicPem);

    /// <summary>Creates both keys if they do not exist yet; called at start so that no save waits on it.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        await PseudonymKeyAsync(ct);
        await SigningKeyAsync(ct);
    }

    public async ValueTask<byte[]> PseudonymKeyAsync(CancellationToken ct)
    {
        if (_pseudonymKey is { } cached)
        {
            return cached;
        }
        var secret = await LoadOrCreateAsync(PseudonymName, () => (RandomNumberGenerator.GetBytes(32), null), ct);
        return _pseudonymKey = _protector.Unprotect(Convert.FromBase64String(secret.Protected));
    }

    public async ValueTask<SigningKey> SigningKeyAsync(CancellationToken ct)
    {
        if (_signing is { } cached)
        {
            return cached;
        }
        var secret = await LoadOrCreateAsync(SigningName, () =>
        {
            using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return (ecdsa.ExportPkcs8PrivateKey(), ecdsa.ExportSubjectPublicKeyInfoPem());
        }, ct);
        var pkcs8 = _protector.Unprotect(Convert.FromBase64String(secret.Protected));
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        var spki = key.ExportSubjectPublicKeyInfo();
        return _signing = new SigningKey(KeyIdOf(spki), pkcs8, spki, secret.PublicPem ?? key.ExportSubjectPublicKeyInfoPem());
    }

    public static string KeyIdOf(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    /// <summary>The keyed pseudonym of a data subject ("user:&lt;id&gt;", "email:&lt;address&gt;").</summary>
    public static string Pseudonym(byte[] key, string subject) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(subject)));

    private async Task<AuditSecret> LoadOrCreateAsync(string name, Func<(byte[] Secret, string? PublicPem)> create, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
            var existing = await db.AuditSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
            if (existing is not null)
            {
                return existing;
            }
            var (secret, pem) = create();
            var row = new AuditSecret
            {
                Name = name,
                Protected = Convert.ToBase64String(_protector.Protect(secret)),
                PublicPem = pem,
                CreatedAt = clock.GetUtcNow(),
            };
            CryptographicOperations.ZeroMemory(secret);
            db.AuditSecrets.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                return row;
            }
            catch (DbUpdateException)
            {
                // Another node created it first: use theirs.
                db.ChangeTracker.Clear();
                return await db.AuditSecrets.AsNoTracking().FirstAsync(s => s.Name == name, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
