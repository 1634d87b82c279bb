using System.Net.Http.Headers;
using System.Text;

namespace SecurityConsole.Server.Compliance;

/// <summary>
/// Tells what bytes are, by their magic numbers, so that a declared content type is believed only when the bytes agree.
/// A file that is none of the allowed kinds is refused: no guessing, no "application/octet-stream".
/// </summary>
public static class EvidenceFileSniffer
{
    private static readonly byte[] Pdf = "%PDF-"u8.ToArray();
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF];
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The media type the client declared, without parameters, lower-case; null when it cannot be read or names another charset than UTF-8.</summary>
    public static string? Declared(string? header)
    {
        if (!MediaTypeHeaderValue.TryParse(header, out var parsed) || parsed.MediaType is null)
        {
            return null;
        }
        var charset = parsed.CharSet?.Trim('"').ToLowerInvariant();
        return charset is null or "utf-8" or "us-ascii" ? parsed.MediaType.ToLowerInvariant() : null;
    }

    /// <summary>Whether the bytes are what <paramref name="declared"/> says; the reason in a sentence when they are not.</summary>
    public static string? Mismatch(string declared, ReadOnlySpan<byte> bytes) => declared switch
    {
        "application/pdf" => bytes.StartsWith(Pdf) ? null : "The file is not a PDF: it does not start with %PDF-.",
        "image/png" => bytes.StartsWith(Png) ? null : "The file is not a PNG: it lacks the PNG signature.",
        "image/jpeg" => bytes.StartsWith(Jpeg) ? null : "The file is not a JPEG: it lacks the JPEG start-of-image marker.",
        "text/plain" or "text/csv" => TextProblem(bytes),
        _ => $"'{declared}' is not accepted; send one of {string.Join(", ", SecurityConsole.Shared.Compliance.EvidenceFiles.AllowedTypes)}.",
    };

    private static string? TextProblem(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Pdf) || bytes.StartsWith(Png) || bytes.StartsWith(Jpeg))
        {
            return "The file is declared as text but its bytes are a PDF or an image.";
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return "The file is declared as text but is not valid UTF-8.";
        }
        foreach (var c in text.AsSpan(text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0))
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r' or '\f'))
            {
                return "The file is declared as text but holds control characters (is it binary?).";
            }
        }
        return null;
    }
}
