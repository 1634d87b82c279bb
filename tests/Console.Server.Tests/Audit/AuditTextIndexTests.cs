using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SecurityConsole.Server.Data;
using SecurityConsole.Shared.Audit;
using SecurityConsole.Shared.Security;
using static SecurityConsole.Server.Tests.Audit.AuditTestKit;

namespace SecurityConsole.Server.Tests.Audit;

/// <summary>On PostgreSQL the audit search's free text is served by trigram indexes, not a scan of the trail.</summary>
public sealed class AuditTextIndexTests(PostgresConsole console) : IClassFixture<PostgresConsole>
{
    [Fact]
    public async Task FreeTextSearchOnPostgresUsesTheTrigramIndexes()
    {
        var auditor = await console.Factory.SignedInClientAsync(Roles.Auditor);
        // Something to find: signing in writes entries.
        var page = await auditor.GetFromJsonAsync<AuditPage>("/api/v1/audit?text=signin", Json, Ct);
        Assert.NotEmpty(page!.Items);

        await using var scope = console.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsoleDbContext>();
        var indexes = await db.Database.SqlQueryRaw<string>(
            "SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename = 'audit_entries' AND indexdef LIKE '%gin_trgm_ops%'").ToListAsync(Ct);
        Assert.Equal(["IX_audit_entries_Action_trgm", "IX_audit_entries_ActorId_trgm", "IX_audit_entries_Data_trgm", "IX_audit_entries_TargetId_trgm"],
            indexes.Order());

        // With sequential scans priced out, the planner can answer the search's predicate from the indexes alone.
        await using var tx = await db.Database.BeginTransactionAsync(Ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off", Ct);
        var plan = string.Join('\n', await db.Database.SqlQueryRaw<string>(
            "EXPLAIN SELECT 1 FROM audit_entries WHERE \"Action\" LIKE '%signin%' OR \"ActorId\" LIKE '%signin%' OR \"TargetId\" LIKE '%signin%' OR \"Data\" LIKE '%signin%'")
            .ToListAsync(Ct));
        Assert.Contains("_trgm", plan);
    }
}
