using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using SecurityConsole.Server.Common;

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
        using var aes = new AesGcm(key, 16);
        return Decrypt(aes, keyId, pseudonym, ciphertext);
    }

    /// <summary>As <see cref="Decrypt(byte[], Guid, string, string)"/> with the subject's key already set up, for reads of many entries.</summary>
    public static string Decrypt(AesGcm aes, Guid keyId, string pseudonym, string ciphertext)
    {
        var input = Convert.FromBase64String(ciphertext);
        var plain = new byte[input.Length - 28];
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

    private static readonly HashSet<string> NameFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "name", "fullName", "displayName", "firstName", "lastName", "userName", "user", "actor",
    };

    /// <summary>
    /// The mask of a personal field, chosen by the field (<see cref="Masking"/>): addresses and e-mails keep their shape,
    /// names their first letter, and anything else (free text: a comment, a reason, an alert's title) is hidden whole,
    /// because a guess at what sits inside text garbles it and misses what it does not expect.
    /// </summary>
    public static string Mask(string field, string value)
    {
        if (value.Length == 0 || value == Erased)
        {
            return value;
        }
        if (IsIpField(field))
        {
            return Masking.Ip(value);
        }
        if (field.EndsWith("email", StringComparison.OrdinalIgnoreCase))
        {
            return Masking.Email(value);
        }
        return NameFields.Contains(field) ? Masking.Person(value) : Masking.Hidden;
    }

    private static bool IsIpField(string field) =>
        field.Equals("ip", StringComparison.OrdinalIgnoreCase) || field.EndsWith("Ip", StringComparison.Ordinal)
        || field.Equals("ipAddress", StringComparison.OrdinalIgnoreCase);

    public static string? MaskIp(string? ip) => ip is null ? null : Masking.Ip(ip);
}
