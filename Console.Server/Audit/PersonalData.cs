using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// Personal data in the trail: which fields are personal, how they are encrypted under a data
/// subject's key (AES-256-GCM), and how they are masked for readers without pii:read.
/// </summary>
public sealed class PersonalData(IDataProtectionProvider protection)
{
    public const string Erased = "[erased]";
    public const string SourceIpField = "sourceIp";

    private readonly IDataProtector _keys = protection.CreateProtector("SecurityConsole.Audit.SubjectKey.v1");

    private static readonly HashSet<string> PersonalNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "email", "ip", "sourceIp", "ipAddress", "name", "fullName", "displayName", "firstName", "lastName",
        "userName", "phone", "phoneNumber", "address", "comment", "note",
    };

    /// <summary>A top-level data field is personal by name: emails, IP addresses, names, free text notes.</summary>
    public static bool IsPersonalField(string name) =>
        PersonalNames.Contains(name) || name.EndsWith("email", StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits what a feature recorded into the clear part and the personal part.</summary>
    public static (string? Data, JsonObject? Personal) Split(object? data, object? personal)
    {
        JsonObject? personalPart = null;
        var node = data is null ? null : JsonSerializer.SerializeToNode(data, JsonSerializerOptions.Web);
        if (node is JsonObject obj)
        {
            foreach (var name in obj.Select(p => p.Key).Where(IsPersonalField).ToList())
            {
                var value = obj[name];
                obj.Remove(name);
                (personalPart ??= [])[name] = value;
            }
        }
        if (personal is not null && JsonSerializer.SerializeToNode(personal, JsonSerializerOptions.Web) is JsonObject extra)
        {
            foreach (var name in extra.Select(p => p.Key).ToList())
            {
                var value = extra[name];
                extra.Remove(name);
                (personalPart ??= [])[name] = value;
            }
        }
        return (node?.ToJsonString(), personalPart);
    }

    public string ProtectKey(byte[] key) => Convert.ToBase64String(_keys.Protect(key));

    public byte[] UnprotectKey(string protectedKey) => _keys.Unprotect(Convert.FromBase64String(protectedKey));

    public static string Encrypt(byte[] key, Guid keyId, string pseudonym, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(12, plain.Length), output.AsSpan(12 + plain.Length), Aad(keyId, pseudonym));
        return Convert.ToBase64String(output);
    }

    public static string Decrypt(byte[] key, Guid keyId, string pseudonym, string ciphertext)
    {
        var input = Convert.FromBase64String(ciphertext);
        var plain = new byte[input.Length - 28];
        using var aes = new AesGcm(key, 16);
        aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(12, plain.Length), input.AsSpan(12 + plain.Length), plain, Aad(keyId, pseudonym));
        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Aad(Guid keyId, string pseudonym) => Encoding.UTF8.GetBytes($"{keyId:N}:{pseudonym}");

    /// <summary>The personal fields as display strings.</summary>
    public static Dictionary<string, string> Fields(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (JsonNode.Parse(json) is JsonObject obj)
        {
            foreach (var (name, value) in obj)
            {
                result[name] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            }
        }
        return result;
    }

    public static Dictionary<string, string> MaskAll(Dictionary<string, string> fields) =>
        fields.ToDictionary(f => f.Key, f => Mask(f.Key, f.Value), StringComparer.Ordinal);

    /// <summary>a***@example.com, 10.20.*.*, 2001:db8:*, J***.</summary>
    public static string Mask(string field, string value)
    {
        if (IPAddress.TryParse(value, out var ip))
        {
            return MaskIp(ip);
        }
        var at = value.IndexOf('@');
        if (at > 0 && (field.EndsWith("email", StringComparison.OrdinalIgnoreCase) || value.IndexOf('.', at) > at))
        {
            return $"{value[0]}***{value[at..]}";
        }
        return value.Length == 0 ? "" : $"{value[0]}***";
    }

    public static string? MaskIp(string? ip) => ip is null ? null : IPAddress.TryParse(ip, out var parsed) ? MaskIp(parsed) : "***";

    private static string MaskIp(IPAddress ip)
    {
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
}
