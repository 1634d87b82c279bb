using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SecurityConsole.Server.Audit;

/// <summary>
/// The chain hash: SHA-256 over the previous hash and a canonical, versioned, length-prefixed
/// encoding of every stored field (see docs/decisions/0004-audit-hash-chain.md). Version 1 encodes,
/// in order: magic "SCA1", version (int16 BE), prev hash (32 bytes), sequence (int64 BE), time as UTC
/// ticks at microsecond precision (int64 BE), then each text field as int32 BE byte length (-1 for null)
/// followed by its UTF-8 bytes, and the subject key id as 16 bytes (or none, length -1).
/// One instance reuses one buffer: not thread-safe; make one per verifier or appender.
/// </summary>
public sealed class AuditHash
{
    public const short CurrentVersion = 1;
    public const int Size = 32;

    public static ReadOnlySpan<byte> Genesis => new byte[Size];

    private static ReadOnlySpan<byte> Magic => "SCA1"u8;

    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>PostgreSQL keeps microseconds; the chain is computed over the same precision everywhere.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    public void Compute(AuditEntry e, Span<byte> destination) =>
        Compute(e.Version, e.PrevHash, e.Sequence, e.Time.UtcTicks, e.Category, e.Action, e.ActorType, e.ActorId, e.TargetType, e.TargetId,
            e.Outcome, e.SourceIp, e.CorrelationId, e.Data, e.Subject, e.SubjectKeyId, e.Personal, destination);

    public void Compute(
        short version, ReadOnlySpan<byte> prevHash, long sequence, long utcTicks,
        string category, string action, string actorType, string actorId, string? targetType, string? targetId,
        string outcome, string? sourceIp, string? correlationId, string? data, string? subject, Guid? subjectKeyId, string? personal,
        Span<byte> destination)
    {
        if (version != CurrentVersion)
        {
            throw new NotSupportedException($"Audit hash version {version} is not known to this build.");
        }
        _length = 0;
        Write(Magic);
        WriteInt16(version);
        Write(prevHash);
        WriteInt64(sequence);
        WriteInt64(utcTicks);
        WriteText(category);
        WriteText(action);
        WriteText(actorType);
        WriteText(actorId);
        WriteText(targetType);
        WriteText(targetId);
        WriteText(outcome);
        WriteText(sourceIp);
        WriteText(correlationId);
        WriteText(data);
        WriteText(subject);
        if (subjectKeyId is { } id)
        {
            WriteInt32(16);
            Ensure(16);
            id.TryWriteBytes(_buffer.AsSpan(_length, 16), bigEndian: true, out _);
            _length += 16;
        }
        else
        {
            WriteInt32(-1);
        }
        WriteText(personal);
        SHA256.HashData(_buffer.AsSpan(0, _length), destination);
    }

    private void WriteText(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Ensure(4 + max);
        var written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length + 4));
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), written);
        _length += 4 + written;
    }

    private void WriteInt16(short v)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_length), v);
        _length += 2;
    }

    private void WriteInt32(int v)
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), v);
        _length += 4;
    }

    private void WriteInt64(long v)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), v);
        _length += 8;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
