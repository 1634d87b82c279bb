using Npgsql;

namespace SecurityConsole.Benchmarks.Compliance;

/// <summary>
/// The scale on PostgreSQL: users, their roles, keys and alerts copied from one real row of each (made by the
/// console's own commands), so that every column is as the console writes it; then twelve months of compliance history.
/// The audit trail is <see cref="SeededTrail"/>'s million chained entries.
/// </summary>
internal static class ComplianceSeed
{
    /// <summary>Copies the row of <paramref name="table"/> matching <paramref name="where"/> <paramref name="count"/> times, with some columns replaced (g = 1..count).</summary>
    public static async Task ReplicateAsync(NpgsqlConnection c, string table, string where, int count, IReadOnlyDictionary<string, string> overrides, params string[] skip)
    {
        var columns = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT column_name FROM information_schema.columns WHERE table_name = @t AND table_schema = 'public' ORDER BY ordinal_position", c))
        {
            cmd.Parameters.AddWithValue("t", table);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                columns.Add(r.GetString(0));
            }
        }
        var kept = columns.Where(col => !skip.Contains(col)).ToList();
        var select = string.Join(", ", kept.Select(col => overrides.TryGetValue(col, out var e) ? e : $"t.\"{col}\""));
        var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", kept.Select(col => $"\"{col}\""))}) SELECT {select} FROM \"{table}\" t, generate_series(1, {count}) g WHERE {where}";
        await using var insert = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        await insert.ExecuteNonQueryAsync();
    }

    public static async Task ExecAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<string> ScalarAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        return (await cmd.ExecuteScalarAsync())?.ToString() ?? "";
    }

    public static async Task UsersAndKeysAsync(NpgsqlConnection c, int users, int keys)
    {
        var template = await ScalarAsync(c, "SELECT \"Id\" FROM \"AspNetUsers\" WHERE \"Email\" = 'template@bench.example'");
        await ReplicateAsync(c, "AspNetUsers", $"t.\"Id\" = '{template}'", users, new Dictionary<string, string>
        {
            ["Id"] = "'bench-user-' || g",
            ["UserName"] = "'user' || g || '@bench.example'",
            ["NormalizedUserName"] = "'USER' || g || '@BENCH.EXAMPLE'",
            ["Email"] = "'user' || g || '@bench.example'",
            ["NormalizedEmail"] = "'USER' || g || '@BENCH.EXAMPLE'",
            ["SecurityStamp"] = "md5('s' || g)",
            ["ConcurrencyStamp"] = "md5('c' || g)",
            ["LastSignInAt"] = "now() - (g % 60) * interval '1 day'",
        });
        await ExecAsync(c, $"INSERT INTO \"AspNetUserRoles\" (\"UserId\", \"RoleId\") SELECT 'bench-user-' || g, r.\"RoleId\" FROM \"AspNetUserRoles\" r, generate_series(1, {users}) g WHERE r.\"UserId\" = '{template}'");
        var key = await ScalarAsync(c, $"SELECT \"Id\" FROM api_keys WHERE \"OwnerUserId\" = '{template}' LIMIT 1");
        await ReplicateAsync(c, "api_keys", $"t.\"Id\" = '{key}'", keys, new Dictionary<string, string>
        {
            ["Id"] = "gen_random_uuid()",
            ["Hash"] = "sha256(('bench-key-' || g)::bytea)",
            ["Prefix"] = "'sc_bench' || lpad(g::text, 7, '0')",
            ["Name"] = "'bench-' || g",
            ["OwnerUserId"] = $"'bench-user-' || (1 + g % {users})",
            ["CreatedAt"] = "now() - (g % 300) * interval '1 day'",
            ["ExpiresAt"] = "now() + (1 + g % 200) * interval '1 day'",
            ["LastUsedAt"] = "now() - (g % 120) * interval '1 day'",
        });
    }

    public static Task AlertsAsync(NpgsqlConnection c, int alerts) => ExecAsync(c, $$"""
        INSERT INTO alerts ("RuleId", "EntityKind", "EntityId", "Severity", "Status", "Title", "Summary", "Details", "Count", "NoteCount",
                            "CreatedAt", "FirstSeenAt", "LastSeenAt", "UpdatedAt", "Version", "ClosedAt", "ClosedBy")
        SELECT (ARRAY['failed-sign-in-burst','revoked-key-used','key-from-new-network'])[1 + g % 3], 'user', 'person' || (g % 5000) || '@bench.example',
               (ARRAY['low','medium','high','critical'])[1 + g % 4], CASE WHEN g % 10 = 0 THEN 'open' ELSE 'resolved' END,
               'Bench alert ' || g, 'seeded', '{}', 1 + g % 7, 0,
               now() - (g % 365) * interval '1 day', now() - (g % 365) * interval '1 day', now() - (g % 365) * interval '1 day' + interval '1 hour',
               now() - (g % 365) * interval '1 day' + interval '1 hour', 1,
               CASE WHEN g % 10 = 0 THEN NULL ELSE now() - (g % 365) * interval '1 day' + interval '2 hours' END,
               CASE WHEN g % 10 = 0 THEN NULL ELSE 'bench' END
        FROM generate_series(1, {{alerts}}) g
        """);

    /// <summary>Twelve months of status changes: every control changes once a day, with a payload of the usual size.</summary>
    public static Task HistoryAsync(NpgsqlConnection c, IReadOnlyList<string> controls, int days) => ExecAsync(c, $$"""
        INSERT INTO compliance_evidence ("Kind", "Subject", "Status", "PreviousStatus", "At", "EffectiveFrom", "EffectiveTo", "Payload", "Sha256", "AuditSequence")
        SELECT 'status_change', ctl, CASE WHEN d % 2 = 0 THEN 'pass' ELSE 'fail' END, CASE WHEN d % 2 = 0 THEN 'fail' ELSE 'pass' END,
               now() - d * interval '1 day', now() - d * interval '1 day', now() - (d - 1) * interval '1 day',
               p, encode(sha256(convert_to(p, 'UTF8')), 'hex'), NULL
        FROM unnest(ARRAY[{{string.Join(", ", controls.Select(x => $"'{x}'"))}}]) ctl, generate_series(1, {{days}}) d,
             LATERAL (SELECT '{"kind":"status_change","control":"' || ctl || '","day":' || d || ',"rows":"' || repeat('x', 900) || '"}' AS p) payload
        """);
}
