using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using SecurityConsole.Server.Data;

namespace SecurityConsole.Server.Detection;

/// <summary>
/// One row whose number every create, update and delete of a rule raises, in the transaction of that change. A node reloads
/// its rules when the number is not the one it loaded them at. It is stored, not kept in memory, so that a change made on
/// one node reaches the others; it is a counter of its own, not read off the rules, so that a delete followed by a create
/// (which can leave the rules' count and versions as they were) is seen too.
/// </summary>
public sealed class RulesGeneration
{
    private const int OnlyRow = 1;

    public int Id { get; set; }
    public long Value { get; set; }

    /// <summary>Raises the generation; call inside the transaction that changes the rules, so that both commit together.</summary>
    internal static Task BumpAsync(ConsoleDbContext db, CancellationToken ct) =>
        db.RulesGeneration.Where(g => g.Id == OnlyRow).ExecuteUpdateAsync(s => s.SetProperty(g => g.Value, g => g.Value + 1), ct);

    internal static Task<long> ReadAsync(ConsoleDbContext db, CancellationToken ct) =>
        db.RulesGeneration.Where(g => g.Id == OnlyRow).Select(g => g.Value).SingleAsync(ct);

    internal sealed class Configuration : IEntityTypeConfiguration<RulesGeneration>
    {
        public void Configure(EntityTypeBuilder<RulesGeneration> b)
        {
            b.ToTable("detection_rules_generation");
            b.HasKey(g => g.Id);
            b.Property(g => g.Id).ValueGeneratedNever();
            // Created with the table: the bump is an update and always finds its row.
            b.HasData(new RulesGeneration { Id = OnlyRow, Value = 0 });
        }
    }
}
