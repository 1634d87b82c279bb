using Microsoft.EntityFrameworkCore;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Reports.Runs;

/// <summary>
/// The bytes of a stored report artifact, written from and read as a stream in pieces of <see cref="ChunkBytes"/>
/// (<see cref="ReportArtifactChunk"/>, ADR 0185), so that a large artifact (a CSV of a million audit entries is about 185 MB)
/// is never held in memory whole, on either provider: Npgsql would buffer a whole bytea parameter given as a stream, and
/// neither provider reads one column in pieces through EF Core. An artifact stored before the pieces keeps its bytes in
/// <see cref="ReportArtifact.Content"/>; reading falls back to that.
/// </summary>
public sealed class ArtifactContent(ConsoleDbContext db)
{
    /// <summary>The size of each stored piece.</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>
    /// Stores <paramref name="content"/>, from its position to its end, as the pieces of the run's artifact, on the context's
    /// connection and in its current transaction (the caller's, with the artifact's row and its audit entry).
    /// </summary>
    public async Task WriteAsync(Guid runId, Stream content, CancellationToken ct)
    {
        var buffer = new byte[ChunkBytes];
        for (var index = 0; ; index++)
        {
            var read = await content.ReadAtLeastAsync(buffer, ChunkBytes, throwOnEndOfStream: false, ct);
            if (read == 0)
            {
                return;
            }
            // A full piece goes from the one buffer; only the last, shorter one needs an array of its own.
            var data = read == ChunkBytes ? buffer : buffer[..read];
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO report_artifact_chunks ("RunId", "Index", "Data") VALUES ({runId}, {index}, {data})""", ct);
            if (read < ChunkBytes)
            {
                return;
            }
        }
    }

    /// <summary>Stores the bytes as the run's artifact's pieces (see <see cref="WriteAsync(Guid, Stream, CancellationToken)"/>).</summary>
    public async Task WriteAsync(Guid runId, byte[] content, CancellationToken ct)
    {
        using var stream = new MemoryStream(content, writable: false);
        await WriteAsync(runId, stream, ct);
    }

    /// <summary>
    /// The stored artifact's bytes, read one piece at a time as the stream is read; null when the run has no artifact. The
    /// stream uses the context: nothing else may use it until the stream is disposed.
    /// </summary>
    public async Task<Stream?> OpenReadAsync(Guid runId, CancellationToken ct)
    {
        var artifact = await db.Set<ReportArtifact>().AsNoTracking().Where(a => a.RunId == runId)
            .Select(a => new { a.Size, Chunks = db.Set<ReportArtifactChunk>().Count(c => c.RunId == runId) })
            .FirstOrDefaultAsync(ct);
        if (artifact is null)
        {
            return null;
        }
        if (artifact.Chunks == 0)
        {
            // Stored whole, before the pieces (or empty).
            var whole = await db.Set<ReportArtifact>().AsNoTracking().Where(a => a.RunId == runId).Select(a => a.Content).FirstAsync(ct);
            return new MemoryStream(whole, writable: false);
        }
        return new ChunkStream(db, runId, artifact.Chunks, artifact.Size);
    }

    /// <summary>Reads the pieces in order, one query per piece.</summary>
    private sealed class ChunkStream(ConsoleDbContext db, Guid runId, int chunks, long length) : Stream
    {
        private byte[] _current = [];
        private int _offset;
        private int _next;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset == _current.Length)
            {
                if (_next == chunks)
                {
                    return 0;
                }
                var index = _next++;
                _current = (await db.Set<ReportArtifactChunk>().AsNoTracking().Where(c => c.RunId == runId && c.Index == index)
                    .Select(c => c.Data).ToListAsync(cancellationToken)).SingleOrDefault()
                    ?? throw new InvalidDataException($"Piece {index} of the artifact of run {runId} is missing.");
                _offset = 0;
            }
            var n = Math.Min(buffer.Length, _current.Length - _offset);
            _current.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Reads of artifacts that leave their bytes in the database.</summary>
public static class ReportArtifactQueries
{
    /// <summary>The artifacts with every field but their bytes (<see cref="ReportArtifact.Content"/> empty): read those through <see cref="ArtifactContent"/>.</summary>
    public static IQueryable<ReportArtifact> WithoutContent(this IQueryable<ReportArtifact> artifacts) =>
        artifacts.Select(a => new ReportArtifact
        {
            RunId = a.RunId, Format = a.Format, FileName = a.FileName, ContentType = a.ContentType, Content = Array.Empty<byte>(), Size = a.Size,
            Sha256 = a.Sha256, DataSha256 = a.DataSha256, CreatedAt = a.CreatedAt, ExpiresAt = a.ExpiresAt, AuditSequence = a.AuditSequence,
        });
}
