using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Audit;
using SecurityConsole.Shared.Audit;

namespace SecurityConsole.Benchmarks;

/// <summary>
/// One page of audit search over 1,000,000 entries through <see cref="AuditReader.SearchAsync"/>, the service behind
/// GET /api/v1/audit (a scope and context per page, as per request; personal data decrypted and masked),
/// against the primary-key ordered LIMIT 50 read in plain SQL. Each invocation reads <see cref="Pages"/> pages
/// (<see cref="SlowPages"/> for the rows that take seconds); the mean is per page.
/// </summary>
[Config(typeof(DatabaseConfig))]
public class AuditSearchBenchmarks
{
    public const int Pages = 20;

    /// <summary>Rows that take a second or more per page read fewer pages per invocation.</summary>
    public const int SlowPages = 4;

    // Seeded once per process and shared by both index variants.
    private static SeededTrail? s_trail;

    private SeededTrail _trail = null!;
    private readonly Dictionary<string, AuditSearchQuery> _queries = [];

    /// <summary>The migrated schema (with AuditTextSearch's trigram indexes), or the same without those indexes.</summary>
    [Params(AuditSearchIndexes.WithoutTrigram, AuditSearchIndexes.AsMigrated)]
    public string Indexes { get; set; } = AuditSearchIndexes.AsMigrated;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _trail = s_trail ??= await SeededTrail.StartAsync("bench_search");
        await AuditSearchIndexes.DropAsync(_trail.Console.DataSource);
        if (Indexes == AuditSearchIndexes.AsMigrated)
        {
            await AuditSearchIndexes.CreateAsync(_trail.Console.DataSource);
        }
        foreach (var name in AuditSearchCases.All)
        {
            var (query, expected) = AuditSearchCases.Get(name, _trail);
            _queries[name] = query;
            var page = await SearchOnceAsync(query);
            if (page.Items.Count != expected || page.Items.Any(i => i.PersonalState != PersonalDataState.Masked))
            {
                throw new InvalidOperationException($"'{name}' returned {page.Items.Count} entries (expected {expected}), or personal data not masked.");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await AuditSearchIndexes.DropAsync(_trail.Console.DataSource);

    [Benchmark(Baseline = true, OperationsPerInvoke = Pages, Description = "plain SQL, ORDER BY Sequence DESC LIMIT 50")]
    public async Task<long> PlainSqlAsync()
    {
        long sum = 0;
        for (var i = 0; i < Pages; i++)
        {
            await using var connection = await _trail.Console.DataSource.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""SELECT {AuditEntryColumns} FROM audit_entries ORDER BY "Sequence" DESC LIMIT 50""";
            sum += await ReadAllAsync(command);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.FirstPage)]
    public Task FirstPageAsync() => SearchAsync(AuditSearchCases.FirstPage);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.DeepPage)]
    public Task DeepPageAsync() => SearchAsync(AuditSearchCases.DeepPage);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.Actor)]
    public Task ActorAsync() => SearchAsync(AuditSearchCases.Actor);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.Action)]
    public Task ActionAsync() => SearchAsync(AuditSearchCases.Action);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.ActionPrefix)]
    public Task ActionPrefixAsync() => SearchAsync(AuditSearchCases.ActionPrefix);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.TimeRange)]
    public Task TimeRangeAsync() => SearchAsync(AuditSearchCases.TimeRange);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.TimeRangeFar)]
    public Task TimeRangeFarAsync() => SearchAsync(AuditSearchCases.TimeRangeFar);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.TimeRangeDeep)]
    public Task TimeRangeDeepAsync() => SearchAsync(AuditSearchCases.TimeRangeDeep);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.Target)]
    public Task TargetAsync() => SearchAsync(AuditSearchCases.Target);

    [Benchmark(OperationsPerInvoke = SlowPages, Description = AuditSearchCases.TextRare)]
    public Task TextRareAsync() => SearchAsync(AuditSearchCases.TextRare, SlowPages);

    [Benchmark(OperationsPerInvoke = Pages, Description = AuditSearchCases.TextCommon)]
    public Task TextCommonAsync() => SearchAsync(AuditSearchCases.TextCommon);

    /// <summary>
    /// The console's time-range query shape in one plain SQL statement: the Time index finds the entries just outside
    /// the range, and the primary key walks back inside the sequence range between them (exact because time never goes
    /// back along the chain). The console sends the two probes and the page as separate statements.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Pages, Description = "plain SQL, time range as a sequence range")]
    public async Task<long> TimeRangeBoundedSqlAsync()
    {
        var query = _queries[AuditSearchCases.TimeRange];
        long sum = 0;
        for (var i = 0; i < Pages; i++)
        {
            await using var connection = await _trail.Console.DataSource.OpenConnectionAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {AuditEntryColumns} FROM audit_entries WHERE "Time" >= @from AND "Time" <= @to
                  AND "Sequence" > (SELECT "Sequence" FROM audit_entries WHERE "Time" < @from ORDER BY "Time" DESC LIMIT 1)
                  AND "Sequence" < (SELECT "Sequence" FROM audit_entries WHERE "Time" > @to ORDER BY "Time" LIMIT 1)
                ORDER BY "Sequence" DESC LIMIT 51
                """;
            command.Parameters.AddWithValue("from", query.From!.Value);
            command.Parameters.AddWithValue("to", query.To!.Value);
            sum += await ReadAllAsync(command);
        }
        return sum;
    }

    /// <summary>Every column of every row, read as the console's reader reads them, so plain-SQL rows move the same bytes.</summary>
    private static async Task<long> ReadAllAsync(Npgsql.NpgsqlCommand command)
    {
        long rows = 0, sum = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows++;
            sum ^= reader.GetInt64(0) ^ reader.GetInt16(1) ^ reader.GetFieldValue<DateTime>(2).Ticks;
            for (var c = 3; c < reader.FieldCount; c++)
            {
                sum += reader.IsDBNull(c) ? 0 : reader.GetValue(c) is string s ? s.Length : 1;
            }
        }
        return rows > 0 ? sum : throw new InvalidOperationException("The query found nothing.");
    }

    internal const string AuditEntryColumns =
        """ "Sequence", "Version", "Time", "Category", "Action", "ActorType", "ActorId", "TargetType", "TargetId", "Outcome", "SourceIp", "CorrelationId", "Data", "Subject", "SubjectKeyId", "Personal", "PrevHash", "Hash" """;

    private async Task SearchAsync(string name, int pages = Pages)
    {
        var query = _queries[name];
        for (var i = 0; i < pages; i++)
        {
            await SearchOnceAsync(query);
        }
    }

    private async Task<AuditPage> SearchOnceAsync(AuditSearchQuery query)
    {
        await using var scope = _trail.Console.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AuditReader>().SearchAsync(query, reveal: false, namesInClear: false, CancellationToken.None);
    }
}
