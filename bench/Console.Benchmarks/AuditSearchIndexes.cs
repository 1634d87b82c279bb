using Npgsql;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// The trigram indexes of the PostgreSQL migration AuditTextSearch (same names), dropped or created by hand so that
/// the search benchmarks measure the trail with and without them.
/// </summary>
internal static class AuditSearchIndexes
{
    public const string WithoutTrigram = "without pg_trgm GIN";
    public const string AsMigrated = "as migrated (pg_trgm GIN x4)";

    private static readonly string[] Columns = ["Action", "ActorId", "TargetId", "Data"];

    /// <summary>Trigram indexes on the four columns free text searches with LIKE '%…%', so that their OR becomes a BitmapOr.</summary>
    public static IReadOnlyList<string> Create { get; } =
    [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        .. Columns.Select(c => $"""CREATE INDEX IF NOT EXISTS "IX_audit_entries_{c}_trgm" ON audit_entries USING gin ("{c}" gin_trgm_ops)"""),
    ];

    public static IReadOnlyList<string> Drop { get; } = [.. Columns.Select(c => $"""DROP INDEX IF EXISTS "IX_audit_entries_{c}_trgm" """)];

    public static async Task CreateAsync(NpgsqlDataSource dataSource)
    {
        foreach (var sql in Create)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync();
        }
        await using var analyze = dataSource.CreateCommand("ANALYZE audit_entries");
        await analyze.ExecuteNonQueryAsync();
    }

    public static async Task DropAsync(NpgsqlDataSource dataSource)
    {
        foreach (var sql in Drop)
        {
            await using var command = dataSource.CreateCommand(sql);
            await command.ExecuteNonQueryAsync();
        }
    }
}
