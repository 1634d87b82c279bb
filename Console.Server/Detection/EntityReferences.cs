using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Opaque references to entities a reader sees masked (issue 14). An auditor without pii:read sees a person as
/// "m***@example.com #1a2b3c4d" and an address as "203.0.*.*"; neither names anything the server can look up, so the
/// Threats page could not open their profiles. Each masked entity the server hands out carries a reference: the kind and
/// the clear id, encrypted and signed with the console's Data Protection keys (shared by every node), valid for
/// <see cref="Lifetime"/>. The reader can send it back to open the profile, and learns nothing from it; a reference made
/// for one kind does not open another, and a changed or expired one is refused.
/// </summary>
public sealed class EntityReferences(IDataProtectionProvider provider)
{
    /// <summary>How long a reference opens its entity: a working day of clicking through the Threats page.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ITimeLimitedDataProtector _protector =
        provider.CreateProtector("SecurityConsole.Threats.EntityReference.v1").ToTimeLimitedDataProtector();

    public string Issue(string kind, string id) => _protector.Protect($"{kind}\n{id}", Lifetime);

    /// <summary>The clear id behind a reference of this kind, or null when it is not one (altered, expired, another kind).</summary>
    public string? Resolve(string kind, string reference)
    {
        try
        {
            var text = _protector.Unprotect(reference, out _);
            var split = text.IndexOf('\n');
            return split > 0 && text[..split] == kind ? text[(split + 1)..] : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
