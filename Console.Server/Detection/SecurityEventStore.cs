using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SecurityConsole.Server.Common;
using SecurityConsole.Server.Data;
using SecurityConsole.Server.Events;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// Writes events and their backlog entry in one transaction: on PostgreSQL with binary COPY (ids drawn from
/// the table's identity sequence first, so the backlog can name them), on SQLite through EF in one transaction.
/// When this returns, the events are committed.
/// </summary>
public sealed class SecurityEventStore(ConsoleSettings settings, IServiceScopeFactory scopes, IServiceProvider services, TimeProvider clock)
{
    private const string CopySql =
        """COPY security_events ("Id", "Time", "ReceivedAt", "Type", "Source", "Actor", "KeyPrefix", "SourceIp", "Outcome", "Attributes", "SenderKeyId") FROM STDIN (FORMAT BINARY)""";

    /// <summary>Appends that may run at once: SQLite has a single writer, so more would only wait for its lock.</summary>
    public int ConcurrentCommits => settings.Provider == DatabaseProvider.Sqlite ? 1 : int.MaxValue;

    /// <summary>Stores the events (their ids are set) and returns the backlog entry that names them.</summary>
    public Task<DetectionBacklog> AppendAsync(IReadOnlyList<SecurityEvent> events, string? node, CancellationToken ct) => settings.Provider switch
    {
        DatabaseProvider.Postgres => AppendPostgresAsync(events, node, ct),
        DatabaseProvider.Sqlite => AppendSqliteAsync(events, node, ct),
    };

    private async Task<DetectionBacklog> AppendPostgresAsync(IReadOnlyList<SecurityEvent> events, string? node, CancellationToken ct)
    {
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var ids = new NpgsqlCommand("""SELECT nextval(pg_get_serial_sequence('security_events', 'Id')) FROM generate_series(1, $1)""", conn, tx))
        {
            ids.Parameters.Add(new NpgsqlParameter<int> { TypedValue = events.Count });
            await using var reader = await ids.ExecuteReaderAsync(ct);
            var i = 0;
            while (await reader.ReadAsync(ct))
            {
                events[i++].Id = reader.GetInt64(0);
            }
        }
        await using (var copy = await conn.BeginBinaryImportAsync(CopySql, ct))
        {
            foreach (var e in events)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(e.Id, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Time.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(e.ReceivedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(e.Type, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(e.Source, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, e.Actor, ct);
                await WriteNullableAsync(copy, e.KeyPrefix, ct);
                await WriteNullableAsync(copy, e.SourceIp, ct);
                await copy.WriteAsync(e.Outcome, NpgsqlDbType.Varchar, ct);
                await WriteNullableAsync(copy, e.Attributes, ct);
                if (e.SenderKeyId is { } sender)
                {
                    await copy.WriteAsync(sender, NpgsqlDbType.Uuid, ct);
                }
                else
                {
                    await copy.WriteNullAsync(ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        var backlog = new DetectionBacklog { EventIds = Ranges(events.Select(e => e.Id)), CreatedAt = clock.GetUtcNow(), Node = node };
        await using (var insert = new NpgsqlCommand(
            """INSERT INTO detection_backlog ("EventIds", "CreatedAt", "Node") VALUES ($1, $2, $3) RETURNING "Id" """, conn, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = backlog.EventIds });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = backlog.CreatedAt.ToUniversalTime() });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)node ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
            backlog.Id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }
        await tx.CommitAsync(ct);
        return backlog;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, NpgsqlDbType.Varchar, ct);

    private async Task<DetectionBacklog> AppendSqliteAsync(IReadOnlyList<SecurityEvent> events, string? node, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecurityEvents.AddRange(events);
        await db.SaveChangesAsync(ct);
        var backlog = new DetectionBacklog { EventIds = Ranges(events.Select(e => e.Id)), CreatedAt = clock.GetUtcNow(), Node = node };
        db.DetectionBacklog.Add(backlog);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return backlog;
    }

    /// <summary>The events a backlog entry names, in id order.</summary>
    public static async Task<List<SecurityEvent>> LoadAsync(ConsoleDbContext db, string ranges, CancellationToken ct)
    {
        var found = new List<SecurityEvent>();
        foreach (var (from, to) in ParseRanges(ranges))
        {
            found.AddRange(await db.SecurityEvents.AsNoTracking().Where(e => e.Id >= from && e.Id <= to).OrderBy(e => e.Id).ToListAsync(ct));
        }
        return found;
    }

    /// <summary>"1-3,7,9-10" for 1,2,3,7,9,10.</summary>
    public static string Ranges(IEnumerable<long> ids)
    {
        var sorted = ids.Order().ToList();
        var text = new StringBuilder();
        for (var i = 0; i < sorted.Count;)
        {
            var start = sorted[i];
            var end = start;
            while (++i < sorted.Count && sorted[i] == end + 1)
            {
                end = sorted[i];
            }
            text.Append(text.Length == 0 ? "" : ",").Append(start.ToString(CultureInfo.InvariantCulture));
            if (end != start)
            {
                text.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    public static IEnumerable<(long From, long To)> ParseRanges(string ranges)
    {
        foreach (var part in ranges.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.IndexOf('-', 1);
            var from = long.Parse(dash < 0 ? part : part[..dash], CultureInfo.InvariantCulture);
            var to = dash < 0 ? from : long.Parse(part[(dash + 1)..], CultureInfo.InvariantCulture);
            yield return (from, to);
        }
    }
}
