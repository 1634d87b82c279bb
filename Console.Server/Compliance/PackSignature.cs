using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// The whole-archive signature of an evidence pack, kept in the zip's own comment so the pack stays one ordinary zip.
/// It covers every byte before the comment, with the end record's comment length read as zero: change any byte of
/// entries, headers, the central directory or the signature itself, and it no longer verifies.
/// </summary>
public static partial class PackSignature
{
    private const int EndRecordLength = 22;
    private const string Prefix = "security-console-evidence-pack-signature:v1";

    /// <summary>The SHA-256 the signature covers, for a zip whose end record has no comment yet.</summary>
    public static byte[] HashUnsigned(Stream zip)
    {
        zip.Position = 0;
        return SHA256.HashData(zip);
    }

    /// <summary>Appends the comment to a zip written without one (its end record is its last 22 bytes).</summary>
    public static void Append(Stream zip, string keyId, byte[] signature)
    {
        var end = new byte[EndRecordLength];
        zip.Position = zip.Length - EndRecordLength;
        zip.ReadExactly(end);
        if (BinaryPrimitives.ReadUInt32LittleEndian(end) != 0x06054b50 || BinaryPrimitives.ReadUInt16LittleEndian(end.AsSpan(20)) != 0)
        {
            throw new InvalidOperationException("The zip does not end with an end record without a comment.");
        }
        var comment = Encoding.ASCII.GetBytes($"{Prefix} key={keyId} sig={Convert.ToBase64String(signature)}");
        zip.Position = zip.Length - 2;
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)comment.Length);
        zip.Write(length);
        zip.Write(comment);
    }

    /// <summary>The key id, the signature and the SHA-256 it should cover; null when the pack carries no readable signature.</summary>
    public static (string KeyId, byte[] Signature, byte[] Sha256)? Read(byte[] pack)
    {
        for (var i = pack.Length - EndRecordLength; i >= 0 && i >= pack.Length - EndRecordLength - ushort.MaxValue; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(pack.AsSpan(i)) != 0x06054b50
                || i + EndRecordLength + BinaryPrimitives.ReadUInt16LittleEndian(pack.AsSpan(i + 20)) != pack.Length)
            {
                continue;
            }
            var match = CommentPattern().Match(Encoding.ASCII.GetString(pack, i + EndRecordLength, pack.Length - i - EndRecordLength));
            if (!match.Success)
            {
                return null;
            }
            byte[] signature;
            try
            {
                signature = Convert.FromBase64String(match.Groups["sig"].Value);
            }
            catch (FormatException)
            {
                return null;
            }
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(pack, 0, i + 20);
            sha.AppendData([0, 0]);
            return (match.Groups["key"].Value, signature, sha.GetHashAndReset());
        }
        return null;
    }

    [GeneratedRegex(@"\Asecurity-console-evidence-pack-signature:v1 key=(?<key>[0-9a-f]{16}) sig=(?<sig>[A-Za-z0-9+/=]{1,200})\z", RegexOptions.CultureInvariant)]
    private static partial Regex CommentPattern();
}
