using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using SecurityConsole.Shared.Security;

namespace SecurityConsole.Server.Common;

/// <summary>
/// How personal data is masked for a reader without pii:read. The mask is chosen by what the field is known to hold (an
/// e-mail address, an IP address, a person's name or account, free text), never by looking for patterns inside text:
/// free text can hold anything, so it is hidden whole, and a sentence that names a person is built from masked parts.
/// One address is masked the same way everywhere (203.0.*.*).
/// </summary>
public static class Masking
{
    /// <summary>What free text reads as, masked.</summary>
    public const string Hidden = "(hidden: personal data)";

    public static bool MayReadPersonalData(ClaimsPrincipal user) => user.HasClaim(Permissions.ClaimType, Permissions.PiiRead);

    /// <summary>m***@example.com; a value with no '@' is masked as a name.</summary>
    public static string Email(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 ? $"{value[0]}***{value[at..]}" : Name(value);
    }

    /// <summary>A person as an identifier field holds them, an e-mail address or an account name: m***@example.com, m***.</summary>
    public static string Person(string value) => value.Contains('@') ? Email(value) : Name(value);

    /// <summary>J***.</summary>
    public static string Name(string value) => value.Length == 0 ? "" : $"{value[0]}***";

    /// <summary>10.20.*.*, 2001:db8:*; anything that is not an address reads as ***.</summary>
    public static string Ip(string value)
    {
        if (!IPAddress.TryParse(value, out var ip))
        {
            return "***";
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return $"{b[0]}.{b[1]}.*.*";
        }
        var groups = ip.ToString().Split(':');
        return $"{groups[0]}:{(groups.Length > 1 ? groups[1] : "")}:*";
    }

    /// <summary>A network (203.0.113.0/24) as its masked address: 203.0.*.*/24.</summary>
    public static string Network(string value)
    {
        var slash = value.IndexOf('/');
        return slash < 0 ? Ip(value) : $"{Ip(value[..slash])}{value[slash..]}";
    }
}
