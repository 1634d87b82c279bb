using Microsoft.AspNetCore.DataProtection;

namespace SecurityConsole.Server.Keys;

/// <summary>
/// Holds a secret that someone else must collect (after an approval or a rotation): encrypted with
/// Data Protection in <see cref="ApiKey.PendingSecret"/>, decrypted once at pick-up, then cleared.
/// </summary>
public sealed class SecretPickup(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("SecurityConsole.Keys.PendingSecret.v1");

    public string Seal(ApiKey key, string secret) => _protector.Protect(Bind(key.Id, secret));

    public string Open(ApiKey key, string sealedSecret)
    {
        var text = _protector.Unprotect(sealedSecret);
        var prefix = key.Id.ToString("N") + ":";
        // Bound to the key's id, so a sealed secret copied onto another row does not open there.
        if (!text.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException("A pending secret does not belong to its key.");
        }
        return text[prefix.Length..];
    }

    private static string Bind(Guid id, string secret) => id.ToString("N") + ":" + secret;
}
