using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SecurityConsole.Server.Audit;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// <c>audit-plans [--without-trigram]</c>: seeds <see cref="SeededTrail"/>, then for each search case prints the SQL the
/// console ran (captured from EF), its time, and PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of that very statement.
/// </summary>
internal static class AuditPlans
{
    public static async Task<int> RunAsync(string[] args)
    {
        var capture = new CommandCapture();
        await using var trail = await SeededTrail.StartAsync("bench_plans", capture);
        if (args.Contains("--without-trigram"))
        {
            await AuditSearchIndexes.DropAsync(trail.Console.DataSource);
            Console.WriteLine($"Without the migration's trigram indexes:\n  {string.Join("\n  ", AuditSearchIndexes.Drop)}\n");
        }
        foreach (var name in AuditSearchCases.All)
        {
            var (query, _) = AuditSearchCases.Get(name, trail);
            await SearchAsync(trail, query);
            capture.Commands.Clear();
            var watch = Stopwatch.StartNew();
            var page = await SearchAsync(trail, query);
            watch.Stop();
            Console.WriteLine($"=== {name}: {page.Items.Count} entries in {watch.Elapsed.TotalMilliseconds:F1} ms ({capture.Commands.Count} statements)");
            // Every statement on the trail: a time range's probes of the Time index, then the page itself.
            foreach (var (sql, parameters) in capture.Commands.Where(c => c.Sql.Contains("audit_entries", StringComparison.Ordinal)).ToList())
            {
                Console.WriteLine(string.Join(", ", parameters.Select(p => $"{p.ParameterName}={p.Value}")));
                Console.WriteLine(sql);
                await using var connection = await trail.Console.DataSource.OpenConnectionAsync();
                await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, connection);
                explain.Parameters.AddRange(parameters);
                await using var reader = await explain.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Console.WriteLine("  " + reader.GetString(0));
                }
                Console.WriteLine();
            }
        }
        return 0;
    }

    private static async Task<Shared.Audit.AuditPage> SearchAsync(SeededTrail trail, Shared.Audit.AuditSearchQuery query)
    {
        await using var scope = trail.Console.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditReader>().SearchAsync(query, reveal: false, namesInClear: false, CancellationToken.None);
    }

    private sealed class CommandCapture : DbCommandInterceptor
    {
        public List<(string Sql, NpgsqlParameter[] Parameters)> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Commands.Add((command.CommandText, [.. command.Parameters.Cast<NpgsqlParameter>().Select(p => p.Clone())]));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
